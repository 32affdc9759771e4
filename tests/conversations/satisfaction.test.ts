// Citizen satisfaction, as the citizen lives it: their request is resolved (or an agent lets them go), the
// notice ends with one question, they answer 1 to 5 then an optional comment — on SMS through signed Twilio
// webhooks, on the web chat with buttons. Never asked twice, never after STOP, a new question wins.
import nock from 'nock';
import request from 'supertest';
import type { Container } from '../../server/container';
import { runRetention } from '../../server/retention';
import { DEMO_TENANT } from '../support/harness';
import {
  backofficeContainer,
  bearer,
  CONTAINER_TIMEOUT_MS,
  incidentPayload,
  issueToken,
  rows,
  seedConversation,
} from '../backoffice/support';
import { TWILIO_ENV, messagesOf, mobile, postSigned, smsParams } from '../channels/twilio-helpers';

let container: Container;
let agent: { token: string };
const api = () => request(container.app);

beforeAll(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect(/127\.0\.0\.1|localhost/);
  container = await backofficeContainer(TWILIO_ENV);
  agent = await issueToken(container, { role: 'agent', tenantId: DEMO_TENANT, name: 'Marie' });
}, CONTAINER_TIMEOUT_MS);
afterAll(async () => {
  await container.close();
  nock.cleanAll();
  nock.enableNetConnect();
}, CONTAINER_TIMEOUT_MS);

const QUESTION = 'Êtes-vous satisfait(e) ? Répondez de 1 (pas du tout) à 5 (tout à fait).';

async function sms(from: string, body: string): Promise<string> {
  const res = await postSigned(container.app, '/channels/twilio/sms', smsParams({ From: from, Body: body }));
  expect(res.status).toBe(200);
  return messagesOf(res.text).join('\n');
}

/** A citizen who reported a pothole by SMS from `from`. */
async function smsReport(from: string) {
  const seeded = await seedConversation(container, {
    tenantId: DEMO_TENANT,
    channel: 'sms',
    address: from,
    requests: [
      {
        type: 'report_incident',
        authorityId: 'val-de-loue',
        payload: incidentPayload('voirie', 'Nid de poule'),
      },
    ],
  });
  return { ...seeded, reference: seeded.references[0]! };
}

const setStatus = (reference: string, status: string) =>
  api().post(`/api/v1/requests/${reference}/status`).set(bearer(agent.token)).send({ status }).expect(200);

const notificationsTo = async (address: string) =>
  (
    await rows<{ text: string }>(
      container,
      `SELECT payload ->> 'text' AS text FROM outbox WHERE kind = 'notification' AND payload ->> 'to' = $1 ORDER BY id`,
      [address],
    )
  ).map((r) => r.text);

const answersOf = (conversationId: string) =>
  rows<{ score: number | null; comment: string | null; request_id: string | null; channel: string }>(
    container,
    'SELECT score, comment, request_id, channel FROM satisfaction_answers WHERE conversation_id = $1',
    [conversationId],
  );

describe('on SMS, after the request is resolved', () => {
  it('the notice ends with the question; "4" then a comment are stored against the request, the comment redacted', async () => {
    const from = mobile();
    const report = await smsReport(from);
    await setStatus(report.reference, 'resolved');
    const [notice] = await notificationsTo(from);
    expect(notice).toContain(`Votre demande ${report.reference} est maintenant`);
    expect(notice).toMatch(new RegExp(`\\n${QUESTION.replace(/[()?]/g, '\\$&')}$`));

    // (Its dialogue state had expired: the personal-data notice comes first, as in any first message.)
    expect(await sms(from, '4')).toMatch(/(^|\n)Merci ! Un commentaire \?/);
    expect(await sms(from, 'Très rapide, rappelez-moi au 06 12 34 56 78')).toBe(
      'Merci pour votre commentaire !',
    );

    const [answer] = await answersOf(report.conversationId);
    expect(answer).toMatchObject({ score: 4, channel: 'sms' });
    expect(answer!.request_id).not.toBeNull();
    expect(answer!.comment).toContain('Très rapide');
    expect(answer!.comment).not.toContain('06 12 34 56 78');
  });

  it('"5 parfait" answers score and comment at once; resolved again later, it is not asked twice', async () => {
    const from = mobile();
    const report = await smsReport(from);
    await setStatus(report.reference, 'resolved');
    expect(await sms(from, '5 parfait')).toMatch(/\nMerci pour votre réponse et votre commentaire !$/);
    await setStatus(report.reference, 'in_progress');
    await setStatus(report.reference, 'resolved');
    const notices = await notificationsTo(from);
    expect(notices).toHaveLength(3);
    expect(notices.filter((n) => n.includes(QUESTION))).toHaveLength(1);
    expect(await answersOf(report.conversationId)).toEqual([
      expect.objectContaining({ score: 5, comment: 'parfait' }),
    ]);
  });

  it('a new question instead of a score is answered as usual, and the question is dropped', async () => {
    const from = mobile();
    const report = await smsReport(from);
    await setStatus(report.reference, 'resolved');
    expect(await sms(from, 'Quels sont les horaires de la mairie ?')).toMatch(/mairie/i);
    // "3" now is no longer read as a score.
    await sms(from, '3');
    expect((await answersOf(report.conversationId))[0]).toMatchObject({ score: null });
  });

  it('on WhatsApp too: the notice asks, "5" is the answer', async () => {
    const from = mobile();
    const seeded = await seedConversation(container, {
      tenantId: DEMO_TENANT,
      channel: 'whatsapp',
      address: from,
      requests: [
        { type: 'report_incident', authorityId: 'val-de-loue', payload: incidentPayload('voirie', 'Trou') },
      ],
    });
    await setStatus(seeded.references[0]!, 'resolved');
    expect((await notificationsTo(from)).at(-1)).toContain(QUESTION);
    expect(await sms(`whatsapp:${from}`, '5')).toMatch(/Merci ! Un commentaire/);
    expect(await answersOf(seeded.conversationId)).toEqual([
      expect.objectContaining({ score: 5, channel: 'whatsapp' }),
    ]);
  });

  it('is not asked in the middle of a new procedure (the next message answers the form)', async () => {
    const from = mobile();
    const report = await smsReport(from);
    const form = {
      name: 'report_incident',
      values: {},
      pending: 'description',
      attempts: 0,
      confirming: false,
    };
    await container.state.set(`conv:${report.conversationId}`, { noticeShown: true, form }, 0, 3600);
    await setStatus(report.reference, 'resolved');
    const [notice] = await notificationsTo(from);
    expect(notice).toContain('est maintenant');
    expect(notice).not.toContain(QUESTION);
    expect(await answersOf(report.conversationId)).toEqual([]);
  });

  it('erasing the contact removes their comment and keeps the score (statistics)', async () => {
    const from = mobile();
    const report = await smsReport(from);
    await setStatus(report.reference, 'resolved');
    await sms(from, '2 trop long, Camille Martin');
    expect((await answersOf(report.conversationId))[0]?.comment).toMatch(/^trop long/);
    const supervisor = await issueToken(container, { role: 'supervisor', tenantId: DEMO_TENANT });
    await api().post(`/api/v1/contacts/${report.contactId}/erase`).set(bearer(supervisor.token)).expect(200);
    const [answer] = await rows<{ score: number; comment: string | null }>(
      container,
      'SELECT score, comment FROM satisfaction_answers s JOIN requests r ON r.id = s.request_id WHERE r.reference = $1',
      [report.reference],
    );
    expect(answer).toEqual({ score: 2, comment: null });
  });

  it('a contact who said STOP is not asked (nor sent the notice)', async () => {
    const from = mobile();
    const report = await smsReport(from);
    await container.store.setContactOptOut(DEMO_TENANT, report.contactId, true);
    await setStatus(report.reference, 'resolved');
    expect(await notificationsTo(from)).toEqual([]);
    expect(await answersOf(report.conversationId)).toEqual([]);
    const transcript = await container.store.listMessages(DEMO_TENANT, report.conversationId);
    expect(transcript.map((m) => m.text).join('\n')).not.toContain(QUESTION);
  });
});

describe('on the web chat, after an agent released the conversation', () => {
  const post = (body: object) =>
    api()
      .post('/channels/webchat/messages')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ tenant: 'demo', ...body }))
      .expect(200);

  it('offers buttons 1 to 5, takes the choice and an optional comment, and is never asked twice', async () => {
    const first = await post({ text: 'bonjour' });
    const { conversationId: address, token } = first.body as { conversationId: string; token: string };
    const conversation = await container.store.findConversation({
      tenantId: DEMO_TENANT,
      channel: 'webchat',
      address,
    });
    const id = conversation!.id;
    const takeAndRelease = async () => {
      await api().post(`/api/v1/conversations/${id}/takeover`).set(bearer(agent.token)).expect(200);
      await api().post(`/api/v1/conversations/${id}/release`).set(bearer(agent.token)).expect(200);
    };
    await takeAndRelease();
    const transcript = await container.store.listMessages(DEMO_TENANT, id);
    const asked = transcript.filter((m) => m.text.includes(QUESTION));
    expect(asked).toHaveLength(1);
    expect(asked[0]!.payload).toMatchObject({
      type: 'choices',
      choices: [1, 2, 3, 4, 5].map((n) => ({ label: String(n), value: `satisfaction:${n}` })),
    });

    const scored = await post({ text: '5', choiceValue: 'satisfaction:5', conversationId: address, token });
    expect(JSON.stringify(scored.body.messages)).toContain('Un commentaire');
    const none = await post({ text: 'non', conversationId: address, token });
    expect(JSON.stringify(none.body.messages)).toContain('Merci, bonne journée');
    expect(await answersOf(id)).toEqual([
      expect.objectContaining({ score: 5, comment: null, request_id: null, channel: 'webchat' }),
    ]);

    await takeAndRelease();
    const again = await container.store.listMessages(DEMO_TENANT, id);
    expect(again.filter((m) => m.text.includes(QUESTION))).toHaveLength(1);
  });
});

describe('on the web chat, after the request is resolved', () => {
  it('the notice, then the question as buttons 1 to 5 pushed to the chat; the choice is the score', async () => {
    const first = await api()
      .post('/channels/webchat/messages')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ tenant: 'demo', text: 'bonjour' }))
      .expect(200);
    const { conversationId: address, token } = first.body as { conversationId: string; token: string };
    const conversation = (await container.store.findConversation({
      tenantId: DEMO_TENANT,
      channel: 'webchat',
      address,
    }))!;
    const reference = await container.store.reserveReference(new Date());
    await container.store.commitTurn({
      tenantId: DEMO_TENANT,
      conversationId: conversation.id,
      messages: [],
      outbox: [],
      requests: [
        {
          reference,
          tenantId: DEMO_TENANT,
          type: 'report_incident',
          authorityId: 'val-de-loue',
          channel: 'webchat',
          contactId: conversation.contactId,
          conversationId: conversation.id,
          payload: incidentPayload('eclairage', 'Lampadaire éteint'),
        },
      ],
    });
    await setStatus(reference, 'resolved');
    const transcript = await container.store.listMessages(DEMO_TENANT, conversation.id);
    const [notice, question] = transcript.slice(-2);
    expect(notice!.text).toContain(`Votre demande ${reference} est maintenant`);
    expect(notice!.text).not.toContain(QUESTION);
    expect(question!.payload).toEqual({
      type: 'choices',
      text: QUESTION,
      choices: [1, 2, 3, 4, 5].map((n) => ({ label: String(n), value: `satisfaction:${n}` })),
    });
    const scored = await api()
      .post('/channels/webchat/messages')
      .set('Content-Type', 'application/json')
      .send(
        JSON.stringify({
          tenant: 'demo',
          text: '4',
          choiceValue: 'satisfaction:4',
          conversationId: address,
          token,
        }),
      )
      .expect(200);
    expect(JSON.stringify(scored.body.messages)).toContain('Un commentaire');
    expect(await answersOf(conversation.id)).toEqual([
      expect.objectContaining({ score: 4, channel: 'webchat', request_id: expect.any(String) }),
    ]);
  });
});

describe('retention', () => {
  it('clears the comments with the transcripts, and keeps the scores', async () => {
    const from = mobile();
    const report = await smsReport(from);
    await setStatus(report.reference, 'resolved');
    await sms(from, '3 correct');
    expect(await answersOf(report.conversationId)).toEqual([
      expect.objectContaining({ score: 3, comment: 'correct' }),
    ]);
    const store = container.store as unknown as { sql: Parameters<typeof runRetention>[0]['sql'] };
    await runRetention({
      sql: store.sql,
      tenants: [{ tenantId: DEMO_TENANT, transcriptsDays: 30, contactsDays: 365 }],
      now: new Date(Date.now() + 31 * 24 * 3600 * 1000),
    });
    expect(await answersOf(report.conversationId)).toEqual([
      expect.objectContaining({ score: 3, comment: null }),
    ]);
  });
});
