// WhatsApp menus: tappable through Twilio's Content API when the territory names a template for them
// (sent by the REST Messages API — TwiML cannot carry a template), numbered text otherwise. A tap comes
// back with the button's id, the choice's number, and answers the menu like a typed digit.
import nock from 'nock';
import { SmsWebhookSchema, textOf } from '../../channels/twilio-sms/schema';
import { createCatalog } from '../../knowledge/territory';
import type { Container } from '../../server/container';
import { DEMO_TENANT, createTestContainer } from '../support/harness';
import {
  TWILIO_API,
  TWILIO_ENV,
  eventually,
  geocoderAnswersLilas,
  messageResource,
  messagesOf,
  messagesPath,
  mobile,
  postSigned,
  smsParams,
} from './twilio-helpers';

const PATH = '/channels/twilio/sms';
const CONFIRM_TEMPLATE = `HX${'c0ffee'.repeat(5)}ab`;
const REFUSED_TEMPLATE = `HX${'dead'.repeat(8)}`;

let container: Container;
/** Every REST send, as Twilio receives it. */
const sent: Record<string, string>[] = [];

beforeAll(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect(/127\.0\.0\.1|localhost/);
  geocoderAnswersLilas();
  nock(TWILIO_API)
    .persist()
    .post(messagesPath)
    .reply((_uri, body) => {
      const form = Object.fromEntries(new URLSearchParams(String(body))) as Record<string, string>;
      sent.push(form);
      // A template Twilio does not know (deleted, wrong account): a permanent 400.
      if (form.ContentSid === REFUSED_TEMPLATE)
        return [400, { code: 21655, message: 'The ContentSid is Invalid', status: 400 }];
      return [201, messageResource(form)];
    });
  container = await createTestContainer(TWILIO_ENV);
});
afterAll(async () => {
  await container.close();
  nock.cleanAll();
  nock.enableNetConnect();
});

function withMenuTemplates(
  templates: { kind: 'quick-reply' | 'list-picker'; contentSid: string; choices: number }[],
) {
  const catalog = container.territories.current();
  container.territories.replace(
    createCatalog(
      catalog
        .list()
        .map((t) => (t.id === DEMO_TENANT ? { ...t, whatsapp: { menuTemplates: templates } } : t)),
    ),
  );
  return () => container.territories.replace(catalog);
}

/** One WhatsApp message in; what the citizen receives: TwiML bodies, or the REST sends it caused. */
async function whatsapp(phone: string, body: string, extra: Record<string, string> = {}) {
  const before = sent.length;
  const res = await postSigned(
    container.app,
    PATH,
    smsParams({ From: `whatsapp:${phone}`, Body: body, ...extra }),
  ).expect(200);
  const twiml = messagesOf(res.text);
  if (twiml.length > 0) return { twiml, rest: [] };
  // Sent after the answer, the menu last: done when it has gone, as a template or as its numbered text.
  const menuSent = (m: Record<string, string> | undefined) =>
    !!m &&
    ((m.ContentSid !== undefined && m.ContentSid !== REFUSED_TEMPLATE) ||
      /Répondez [^\n]*\.$/.test(m.Body ?? ''));
  await eventually(() => sent.length > before && menuSent(sent.at(-1)));
  return { twiml, rest: sent.slice(before) };
}

/** An incident report up to its confirmation menu; returns what that last message sent. */
async function reportUpToConfirmation(phone: string, problem = 'Il y a un nid de poule') {
  await whatsapp(phone, problem);
  await whatsapp(phone, '12 rue des Lilas à Montcey-sur-Loue');
  let out = await whatsapp(phone, 'un gros trou dangereux sur la chaussée');
  for (
    let i = 0;
    i < 4 && !/Récapitulatif/.test([...out.twiml, ...out.rest.map((m) => m.Body ?? '')].join('\n'));
    i += 1
  )
    out = await whatsapp(phone, 'non');
  return out;
}

describe('WhatsApp menus', () => {
  it('without a template, the confirmation is numbered text in the TwiML answer', async () => {
    const out = await reportUpToConfirmation(mobile());
    expect(out.rest).toEqual([]);
    expect(out.twiml.join('\n')).toMatch(
      /Récapitulatif[^]*12 Rue des Lilas[^]*\n1\. Oui, enregistrer\n2\. Non, corriger\nRépondez 1 ou 2\.$/,
    );
  });

  it('with a quick-reply template, the summary then the buttons go by REST, and a tap confirms', async () => {
    const restore = withMenuTemplates([{ kind: 'quick-reply', contentSid: CONFIRM_TEMPLATE, choices: 2 }]);
    try {
      const phone = mobile();
      const out = await reportUpToConfirmation(phone);
      expect(out.twiml).toEqual([]);
      const summary = out.rest.find((m) => /Récapitulatif/.test(m.Body ?? ''));
      const buttons = out.rest.at(-1)!;
      expect(summary).toMatchObject({
        To: `whatsapp:${phone}`,
        Body: expect.stringMatching(/12 Rue des Lilas[^]*trou dangereux/),
      });
      expect(out.rest.indexOf(summary!)).toBeLessThan(out.rest.indexOf(buttons));
      expect(buttons).toMatchObject({
        To: `whatsapp:${phone}`,
        From: 'whatsapp:+33939980101',
        ContentSid: CONFIRM_TEMPLATE,
      });
      expect(JSON.parse(buttons.ContentVariables!)).toEqual({
        '1': 'Est-ce correct ? Je l’enregistre ?',
        '2': 'Oui, enregistrer',
        '3': 'Non, corriger',
      });

      // The tap: WhatsApp sends the button's title as the body and its id as the payload.
      const done = await whatsapp(phone, 'Oui, enregistrer', {
        ButtonPayload: '1',
        ButtonText: 'Oui, enregistrer',
      });
      expect(done.twiml.join('\n')).toMatch(/enregistré[^]*DEM-\d{4}-[0-9A-Z]{6}/);
    } finally {
      restore();
    }
  });

  it('a template Twilio refuses is sent again as numbered text: the menu still arrives', async () => {
    const restore = withMenuTemplates([{ kind: 'quick-reply', contentSid: REFUSED_TEMPLATE, choices: 2 }]);
    try {
      // Another kind of problem: the pothole reported above would be offered to follow instead.
      const out = await reportUpToConfirmation(mobile(), 'Il y a un tag sur le mur de l’école');
      expect(out.rest.map((m) => m.ContentSid).filter(Boolean)).toContain(REFUSED_TEMPLATE);
      expect(out.rest.at(-1)?.Body).toMatch(/Est-ce correct[^]*\n1\. Oui, enregistrer\n2\. Non, corriger/);
    } finally {
      restore();
    }
  });

  it('reads a tapped button or list item as the number of its choice, whatever its title says', () => {
    const hook = (extra: Record<string, string>) =>
      SmsWebhookSchema.parse(smsParams({ From: `whatsapp:${mobile()}`, Body: 'CE1', ...extra }));
    expect(textOf(hook({ ListId: '5', ListTitle: 'CE1' }))).toBe('5');
    expect(textOf(hook({ ButtonPayload: '2', ButtonText: 'Non, corriger' }))).toBe('2');
    // Not one of our menus (another template's payload): the message as written.
    expect(textOf(hook({ ButtonPayload: 'promo-2026' }))).toBe('CE1');
  });
});
