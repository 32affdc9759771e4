// The walking skeleton, end to end through the real express app: a citizen asks the town hall's hours on
// the web chat, continues the same conversation, and the transcript is in the shared store.
import request from 'supertest';
import type { Container } from '../../server/container';
import { createTestContainer, DEMO_TENANT } from '../support/harness';

let container: Container;
// A Monday morning in Paris, so the answer about "today" is known.
const MONDAY_10H_PARIS = new Date('2026-11-30T09:00:00Z');
beforeAll(async () => {
  container = await createTestContainer({}, { clock: () => MONDAY_10H_PARIS });
});
afterAll(async () => {
  await container.close();
});

const post = (body: unknown) =>
  request(container.app)
    .post('/channels/webchat/messages')
    .send(body as object);

describe('web chat, end to end', () => {
  it('answers the town hall hours from the demo territory, continues the conversation, and stores the transcript', async () => {
    const first = await post({ text: 'Quels sont les horaires de la mairie ?' }).expect(200);
    expect(first.body.conversationId).toMatch(/^wc_/);
    expect(typeof first.body.token).toBe('string');
    const firstText = JSON.stringify(first.body.messages);
    // The demo territory's real hours: Montcey-sur-Loue town hall is open 8:30–12:00 on Monday mornings.
    expect(firstText).toMatch(/La mairie de Montcey-sur-Loue est ouverte en ce moment, jusqu’à 12 h/); // one apostrophe style

    const second = await post({
      conversationId: first.body.conversationId,
      token: first.body.token,
      text: '1',
    }).expect(200);
    expect(second.body.conversationId).toBe(first.body.conversationId);
    const secondText = JSON.stringify(second.body.messages);
    expect(secondText).toMatch(/mairie de Montcey-sur-Loue est (ouverte|fermée)/i);
    expect(secondText).toMatch(/Lundi\u00a0: 8 h 30 – 12 h/); // a no-break space before ":"

    const conversation = await container.store.findConversation({
      tenantId: DEMO_TENANT,
      channel: 'webchat',
      address: first.body.conversationId,
    });
    expect(conversation).not.toBeNull();
    const transcript = await container.store.listMessages(DEMO_TENANT, conversation!.id);
    const inbound = transcript.filter((m) => m.direction === 'in').map((m) => m.text);
    expect(inbound).toEqual(['Quels sont les horaires de la mairie ?', 'Mairie de Montcey-sur-Loue']);
    expect(transcript.filter((m) => m.direction === 'out').length).toBeGreaterThanOrEqual(3);
  });

  it('restores the history with the conversation token, and refuses it without', async () => {
    const first = await post({ text: 'bonjour' }).expect(200);
    const { conversationId, token } = first.body as { conversationId: string; token: string };
    const history = await request(container.app)
      .get(`/channels/webchat/conversations/${conversationId}/history`)
      .set('X-Conversation-Token', token)
      .expect(200);
    expect(history.body.messages[0]).toMatchObject({ direction: 'in', text: 'bonjour' });
    await request(container.app).get(`/channels/webchat/conversations/${conversationId}/history`).expect(404);
    await request(container.app)
      .get(`/channels/webchat/conversations/${conversationId}/history`)
      .set('X-Conversation-Token', 'x'.repeat(43))
      .expect(404);
  });

  it('does not let a guessed conversation id continue someone else’s conversation', async () => {
    const first = await post({ text: 'bonjour' }).expect(200);
    const res = await post({
      conversationId: first.body.conversationId,
      text: 'je veux voir mes demandes',
    }).expect(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
  });
});

describe('web chat, bad input', () => {
  const countMessages = async () => {
    const r = await container.store.listMessages(DEMO_TENANT, '00000000-0000-0000-0000-000000000000');
    return r.length;
  };

  it.each([
    ['an empty text', { text: '' }, /text must not be empty/],
    ['a blank text', { text: '   \n ' }, /text must not be empty/],
    ['a missing text', {}, /text/],
    ['a text that is not a string', { text: 42 }, /text/],
    ['an oversized text', { text: 'a'.repeat(2001) }, /at most 2000 characters/],
    ['a malformed conversation id', { text: 'bonjour', conversationId: '../../etc' }, /conversationId/],
    ['an unknown field', { text: 'bonjour', admin: true }, /admin|Unrecognized/i],
  ])('answers %s with a 400 naming the problem', async (_name, body, message) => {
    const res = await post(body).expect(400);
    expect(res.body.error.code).toBe('BAD_REQUEST');
    expect(res.body.error.message).toMatch(message);
    expect(await countMessages()).toBe(0);
  });

  it('answers invalid JSON with a 400, a wrong content type with a 415 and a huge body with a 413', async () => {
    const invalid = await request(container.app)
      .post('/channels/webchat/messages')
      .set('Content-Type', 'application/json')
      .send('{"text": "bonj');
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.message).toMatch(/not valid JSON/);
    const wrongType = await request(container.app)
      .post('/channels/webchat/messages')
      .set('Content-Type', 'text/plain')
      .send('bonjour');
    expect(wrongType.status).toBe(415);
    const huge = await request(container.app)
      .post('/channels/webchat/messages')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ text: 'a'.repeat(100_000) }));
    expect(huge.status).toBe(413);
  });

  it('keeps serving after bad input', async () => {
    await post({ text: '' }).expect(400);
    await request(container.app).get('/healthz').expect(200, { status: 'ok' });
  });
});

describe('health and readiness', () => {
  it('GET /healthz answers ok', async () => {
    await request(container.app).get('/healthz').expect(200, { status: 'ok' });
  });
  it('GET /readyz checks the store and the state store', async () => {
    const res = await request(container.app).get('/readyz').expect(200);
    expect(res.body).toEqual({ status: 'ready', checks: { store: 'ok', state: 'ok' } });
  });
  it('an unknown route is a JSON 404', async () => {
    const res = await request(container.app).get('/nope').expect(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
  });
});
