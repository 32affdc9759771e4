// The "add a channel" checklist (docs/add-a-channel.md), proved: a channel is one folder (here a test
// fixture, tests/channels/toy-channel/) and one registration. Nothing else in the code base knows it — no
// migration, no list in the forms, the intents or the back office — and a turn goes through it end to end:
// HTTP in, the reply out, the conversation in the shared store (PGlite).
import request from 'supertest';
import { channelCapabilities, registerChannel } from '../../bot/channel-capabilities';
import { silentLogger } from '../../bot/logger';
import { createApp } from '../../server/app';
import type { Container } from '../../server/container';
import { DEMO_TENANT, createTestContainer } from '../support/harness';
import { toyChannel } from './toy-channel/definition';
import { createToyRouter } from './toy-channel/router';

let container: Container;
beforeAll(async () => {
  container = await createTestContainer();
});
afterAll(() => container.close());

const appWithToy = () =>
  createApp({
    logger: silentLogger,
    readiness: [],
    routes: [['/channels/toy', createToyRouter({ engine: container.engine })]],
  });

it('is refused by the engine until it is registered, then answers a turn and stores the conversation', async () => {
  const app = appWithToy();
  const message = { tenant: DEMO_TENANT, from: 'toy-camille', text: 'horaires de la mairie' };

  const refused = await request(app)
    .post('/channels/toy/messages')
    .send({ ...message, id: 'toy-1' });
  expect(refused.status).toBe(400);
  expect(refused.body.error.message).toMatch(/Invalid incoming message/);

  registerChannel(toyChannel); // the one registration (the server's is a line of channels/built-in.ts)
  expect(channelCapabilities('toy').delivery).toBe('none');

  const res = await request(app)
    .post('/channels/toy/messages')
    .send({ ...message, id: 'toy-2' })
    .expect(200);
  expect(res.body.replies.join('\n')).toMatch(/mairie/i);
  expect(res.body.replies.join('\n')).toMatch(/\d{1,2} ?h/);

  const conversation = await container.store.findConversation({
    tenantId: DEMO_TENANT,
    channel: 'toy',
    address: 'toy-camille',
  });
  expect(conversation).toMatchObject({ channel: 'toy', owner: 'bot' });
  const transcript = await container.store.listMessages(DEMO_TENANT, conversation!.id);
  expect(transcript.map((m) => m.direction)).toEqual(['in', ...res.body.replies.map(() => 'out')]);
  expect(transcript[0]).toMatchObject({ text: 'horaires de la mairie', providerMessageId: 'toy-2' });
});

it('refuses a malformed message of the channel with a 400, before the engine', async () => {
  registerChannel(toyChannel);
  const res = await request(appWithToy())
    .post('/channels/toy/messages')
    .send({ tenant: DEMO_TENANT, from: 'toy-x', text: '' });
  expect(res.status).toBe(400);
});

it('cannot take a name reserved for a request source, or change a registered channel’s capabilities', () => {
  expect(() => registerChannel({ ...toyChannel, name: 'open311' })).toThrow(/reserved/);
  expect(() => registerChannel({ ...toyChannel, name: 'Toy Channel' })).toThrow(/must match/);
  registerChannel(toyChannel);
  expect(() =>
    registerChannel({ ...toyChannel, capabilities: { ...toyChannel.capabilities, receivesMedia: true } }),
  ).toThrow(/already registered/);
});
