// Privacy at the edges: the information notice at first contact on every channel and in full at
// /privacy (escaped), and logs that never carry a secret or a citizen's personal data.
import request from 'supertest';
import type { Container } from '../../server/container';
import { createLogger } from '../../server/logger';
import { renderNotice } from '../../server/privacy/notice-page';
import type { Territory } from '../../knowledge/territory';
import {
  messagesOf,
  mobile,
  postSigned,
  sid,
  smsParams,
  spokenOf,
  TWILIO_ENV,
  voiceParams,
} from '../channels/twilio-helpers';
import { createTestContainer, DEMO_TENANT } from '../support/harness';

let container: Container;
let territory: Territory;
beforeAll(async () => {
  container = await createTestContainer({ ...TWILIO_ENV });
  territory = container.territories.current().get(DEMO_TENANT)!;
}, 120_000);
afterAll(() => container.close());

describe('information notice', () => {
  it('opens the first reply of a conversation on web chat, SMS and voice — and only the first', async () => {
    const notice = territory.notice.shortText;

    const web = await request(container.app)
      .post('/channels/webchat/messages')
      .send({ text: 'bonjour' })
      .expect(200);
    // The web chat typesets it (a no-break space before ":").
    const webNotice = notice.replace(' :', '\u00a0:');
    expect(web.body.messages[0]).toEqual({ type: 'text', text: webNotice });
    const web2 = await request(container.app)
      .post('/channels/webchat/messages')
      .send({ text: 'horaires de la mairie', conversationId: web.body.conversationId, token: web.body.token })
      .expect(200);
    expect(JSON.stringify(web2.body.messages)).not.toContain(webNotice);

    const phone = mobile();
    const sms = await postSigned(
      container.app,
      '/channels/twilio/sms',
      smsParams({ From: phone, Body: 'bonjour' }),
    ).expect(200);
    // Whole, first (in GSM-7 it fits in the same SMS as the menu).
    expect(messagesOf(sms.text)[0]?.startsWith(notice)).toBe(true);
    const sms2 = await postSigned(
      container.app,
      '/channels/twilio/sms',
      smsParams({ From: phone, Body: 'horaires de la mairie' }),
    ).expect(200);
    expect(messagesOf(sms2.text).join(' ')).not.toContain(notice);

    const call = await postSigned(
      container.app,
      '/channels/twilio/voice',
      voiceParams(sid('CA'), mobile()),
    ).expect(200);
    // Read out, with the e-mail address spelled for the ear ("dpo arobase val-de-loue point example").
    const spoken = spokenOf(call.text);
    expect(spoken).toContain(notice.split(' Vos droits')[0]);
    expect(spoken).toMatch(/Vos droits : dpo arobase val-de-loue point example/);
  });

  it('is served in full at /privacy: controller, purpose, legal basis, retention, rights, contact', async () => {
    const res = await request(container.app).get(`/privacy?tenant=${DEMO_TENANT}`).expect(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    for (const key of ['controller', 'purpose', 'legalBasis', 'retention', 'rights', 'contact'] as const) {
      expect(res.text).toContain(escape(territory.notice[key]));
    }
    // The widget knows its key, not the territory id: both work.
    await request(container.app).get('/privacy?tenant=demo').expect(200);
    const unknown = await request(container.app).get('/privacy?tenant=nowhere').expect(404);
    expect(unknown.text).toMatch(/Territoire inconnu/);
    await request(container.app).get('/privacy?tenant=%3Cscript%3E').expect(400);
    await request(container.app).get('/privacy?tenant=a&tenant=b').expect(400);
  });

  it('is served in English for a citizen who chose English, each untranslated text in French and said so', async () => {
    const res = await request(container.app).get(`/privacy?tenant=${DEMO_TENANT}&lang=en`).expect(200);
    expect(res.text).toMatch(/<html lang="en">/);
    expect(res.text).toContain('<h1>Your personal data</h1>');
    for (const key of ['controller', 'purpose', 'legalBasis', 'retention', 'rights', 'contact'] as const) {
      expect(res.text).toContain(escape(territory.notice.en![key]!));
      expect(res.text).not.toContain(escape(territory.notice[key]));
    }
    expect(res.text).not.toMatch(/French only/);
    expect(res.text).toMatch(/hreflang="fr">Version française</);
    // A territory that did not translate its notice: the French text, marked as French, and the reader told.
    const html = renderNotice(
      { ...territory, notice: { ...territory.notice, en: undefined } } as Territory,
      'en',
    );
    expect(html).toContain(`<span lang="fr">${escape(territory.notice.rights)}</span>`);
    expect(html).toMatch(/published in French only/);
    await request(container.app).get(`/privacy?tenant=${DEMO_TENANT}&lang=de`).expect(400);
  });

  it('is given in English at first contact to a citizen writing in English', async () => {
    const answer = await container.engine.handleTurn({
      tenantId: DEMO_TENANT,
      channel: 'webchat',
      address: `wc_privacy_en_${Date.now()}`,
      text: 'Hello, what are the opening hours of the swimming pool?',
      locale: 'en',
    });
    const first = answer.replies[0];
    expect(first?.type === 'text' && first.text).toBe(territory.notice.en!.shortText);
  });

  it('escapes territory text: content, never markup', () => {
    const hostile = {
      ...territory,
      name: 'Commune <b>',
      notice: {
        ...territory.notice,
        controller: '<script>alert("x")</script>',
        contact: 'dpo@x.fr" onmouseover="alert(1)',
      },
    } as Territory;
    const html = renderNotice(hostile);
    expect(html).not.toContain('<script>alert');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(html).not.toContain('" onmouseover="');
    expect(html).toContain('Commune &lt;b&gt;');
  });
});

describe('logs', () => {
  const secrets = {
    authorization: 'Bearer gch_live_4f9a8b7c6d5e4f3a2b1c',
    signature: 'Zm9vYmFyYmF6cXV4cXV1eA==',
    token: 'wc-token-9c8b7a6f5e4d',
    cookie: 'session=abc123def456',
  };

  it('redacts secrets from a full request log line (Authorization, X-Twilio-Signature, token fields, URLs)', () => {
    const lines: string[] = [];
    const logger = createLogger('info', (l) => lines.push(l));
    logger.warn('request refused', {
      method: 'POST',
      url: `/channels/webchat/messages?token=${secrets.token}&tenant=demo`,
      headers: {
        authorization: secrets.authorization,
        'x-twilio-signature': secrets.signature,
        cookie: secrets.cookie,
        'content-type': 'application/json',
      },
      body: { conversationId: 'wc_abc', token: secrets.token },
      error: `upstream said: Authorization: ${secrets.authorization}`,
    });
    const line = lines[0]!;
    for (const value of [...Object.values(secrets), 'gch_live_4f9a8b7c6d5e4f3a2b1c'])
      expect(line).not.toContain(value);
    const parsed = JSON.parse(line);
    expect(parsed.headers['content-type']).toBe('application/json'); // the rest stays useful
    expect(parsed.url).toBe('/channels/webchat/messages?token=[redacted]&tenant=demo');
  });

  it('redacts personal data: phone numbers, e-mails, names and form slots', () => {
    const lines: string[] = [];
    const logger = createLogger('info', (l) => lines.push(l));
    logger.info('turn', {
      from: '+33612345678',
      to: 'whatsapp:+33 6 98 76 54 32',
      slots: {
        child: { firstName: 'Léa', lastName: 'Martin' },
        parentContact: { kind: 'email', value: 'parent@example.fr' },
      },
      ProfileName: 'Camille Martin',
      firstName: 'Léa',
      text: 'je suis Camille Martin, 3 chemin des Écoliers',
      note: 'rappeler au 06 12 34 56 78 ou camille@example.fr',
      intent: 'school_registration',
    });
    const line = lines[0]!;
    expect(line).not.toMatch(
      /33612345678|98 76 54 32|Léa|Martin|parent@example|Écoliers|06 12 34 56 78|camille@example/,
    );
    expect(JSON.parse(line)).toMatchObject({
      intent: 'school_registration',
      note: 'rappeler au [phone] ou [email]',
    });
  });
});

const escape = (text: string): string =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
