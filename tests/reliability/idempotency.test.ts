// Exactly-once effects: a web chat message replayed three times at once (same clientMessageId) is
// processed once and answered three times the same; side effects only leave through the outbox, written
// in the same transaction as the request, so a commit that fails leaves neither.
import express from 'express';
import nock from 'nock';
import request from 'supertest';
import { MemoryIdempotencyStore } from '../../adapters/memory';
import type { PostgresSharedStore } from '../../adapters/postgres';
import { silentLogger } from '../../bot/logger';
import { createBotFrameworkChannel } from '../../channels/botframework';
import { jsonErrorHandler } from '../../server/http-errors';
import type { Container } from '../../server/container';
import { createTestContainer, DEMO_TENANT } from '../support/harness';
import { appWebchat, choice, REFERENCE, reportUpToConfirmation, type WebchatPost } from './helpers';

let container: Container;
let post: WebchatPost;
let sql: PostgresSharedStore['sql'];

beforeAll(async () => {
  container = await createTestContainer();
  post = appWebchat(container.app);
  sql = (container.store as PostgresSharedStore).sql;
}, 120_000);
afterAll(() => container.close());

const count = async (query: string, params: unknown[]): Promise<number> =>
  Number(
    (await sql.query<{ n: string | number }>(`SELECT count(*) AS n FROM (${query}) q`, params)).rows[0]?.n ??
      0,
  );

async function conversationOf(address: string): Promise<string> {
  const conversation = await container.store.findConversation({
    tenantId: DEMO_TENANT,
    channel: 'webchat',
    address,
  });
  if (!conversation) throw new Error('no conversation');
  return conversation.id;
}

describe('idempotency of web chat messages', () => {
  it('processes a confirmation replayed three times at once exactly once, and answers all three the same', async () => {
    const open = await reportUpToConfirmation(post, { lat: 47.01, lon: 6.01 });
    const yes = choice(open.last, /Oui, enregistrer/)!;
    const replay = () =>
      post({ conversationId: open.conversationId, token: open.token, clientMessageId: 'click-1', ...yes });
    const answers = await Promise.all([replay(), replay(), replay()]);

    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    const references = answers.map((a) => REFERENCE.exec(a.text)?.[0]);
    expect(references[0]).toMatch(REFERENCE);
    expect(new Set(references).size).toBe(1);

    const id = await conversationOf(open.conversationId);
    expect(await count('SELECT 1 FROM requests WHERE conversation_id = $1', [id])).toBe(1);
    expect(
      await count(`SELECT 1 FROM outbox WHERE dedupe_key = $1`, [`request.created:${references[0]}`]),
    ).toBe(1);
    expect(
      await count(`SELECT 1 FROM messages WHERE conversation_id = $1 AND provider_message_id = 'click-1'`, [
        id,
      ]),
    ).toBe(1);

    // A later replay (a browser retrying after a timeout) still gets the stored answer, not a new request.
    const late = await replay();
    expect(REFERENCE.exec(late.text)?.[0]).toBe(references[0]);
    expect(await count('SELECT 1 FROM requests WHERE conversation_id = $1', [id])).toBe(1);
  });

  it('treats distinct client message ids as distinct messages', async () => {
    const first = await post({ text: 'bonjour', clientMessageId: 'a-1' });
    const again = await post({
      text: 'bonjour',
      clientMessageId: 'a-2',
      conversationId: first.conversationId,
      token: first.token,
    });
    expect(again.status).toBe(200);
    const id = await conversationOf(first.conversationId!);
    expect(await count(`SELECT 1 FROM messages WHERE conversation_id = $1 AND direction = 'in'`, [id])).toBe(
      2,
    );
  });
});

describe('side effects only through the outbox, in the same transaction', () => {
  afterEach(async () => {
    await sql.exec(
      'DROP TRIGGER IF EXISTS fail_outbox ON outbox; DROP FUNCTION IF EXISTS fail_outbox_insert();',
    );
  });

  it('a commit whose outbox write fails leaves no request, no outbox row and no half transcript, and says nothing was recorded', async () => {
    const open = await reportUpToConfirmation(post, { lat: 47.03, lon: 6.03 });
    const id = await conversationOf(open.conversationId);
    const before = await count('SELECT 1 FROM messages WHERE conversation_id = $1', [id]);
    // The database refuses the outbox insert as a lost connection would: the whole statement must fail.
    await sql.exec(`
      CREATE FUNCTION fail_outbox_insert() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION USING ERRCODE = '08006', MESSAGE = 'injected outbox failure'; END $$;
      CREATE TRIGGER fail_outbox BEFORE INSERT ON outbox FOR EACH ROW EXECUTE FUNCTION fail_outbox_insert();`);

    const yes = choice(open.last, /Oui, enregistrer/)!;
    const failed = await post({
      conversationId: open.conversationId,
      token: open.token,
      clientMessageId: 'confirm-1',
      ...yes,
    });
    expect(failed.status).toBe(503);
    expect(failed.text).not.toMatch(REFERENCE);
    expect(failed.text).toMatch(/momentanément indisponible/);
    expect(failed.text).toMatch(/01 99 00 10 00/); // the counter's phone number
    expect(await count('SELECT 1 FROM requests WHERE conversation_id = $1', [id])).toBe(0);
    expect(
      await count(
        `SELECT 1 FROM outbox WHERE payload ->> 'tenantId' = $1 AND created_at > now() - interval '1 minute' AND kind = 'request.created'`,
        [DEMO_TENANT],
      ),
    ).toBe(
      await count(
        `SELECT 1 FROM requests WHERE tenant_id = $1 AND created_at > now() - interval '1 minute'`,
        [DEMO_TENANT],
      ),
    );
    expect(await count('SELECT 1 FROM messages WHERE conversation_id = $1', [id])).toBe(before);

    // Once the database accepts writes again, the same click (same id: the failed claim was given up) records it once.
    await sql.exec('DROP TRIGGER fail_outbox ON outbox;');
    const retried = await post({
      conversationId: open.conversationId,
      token: open.token,
      clientMessageId: 'confirm-1',
      ...yes,
    });
    expect(retried.status).toBe(200);
    const reference = REFERENCE.exec(retried.text)?.[0];
    expect(reference).toBeDefined();
    expect(await count('SELECT 1 FROM requests WHERE conversation_id = $1', [id])).toBe(1);
    expect(await count('SELECT 1 FROM outbox WHERE dedupe_key = $1', [`request.created:${reference}`])).toBe(
      1,
    );
  });
});

describe('idempotency of Bot Framework activities', () => {
  afterAll(() => {
    nock.cleanAll();
    nock.enableNetConnect();
  });

  it('processes an activity the connector delivers three times at once exactly once', async () => {
    // The Emulator mode (no credentials, anonymous allowed) keeps the test on idempotency, not on JWTs.
    const channel = createBotFrameworkChannel({
      engine: container.engine,
      bus: container.bus,
      state: container.state,
      idempotency: new MemoryIdempotencyStore(),
      logger: silentLogger,
      credentials: { appType: 'MultiTenant' },
      allowAnonymous: true,
      tenantOfAppId: () => DEMO_TENANT,
    });
    const app = express();
    app.use('/api/messages', channel.router);
    app.use(jsonErrorHandler(silentLogger));
    nock.disableNetConnect();
    nock.enableNetConnect(/127\.0\.0\.1|localhost/);
    const sent: string[] = [];
    nock('https://smba.connector.test')
      .persist()
      .post(/\/activities\//)
      .reply(function (_uri, body) {
        sent.push(String((body as { text?: string }).text));
        return [200, { id: 'r' }];
      });
    const activity = {
      type: 'message',
      id: 'act-replayed-1',
      channelId: 'webchat',
      serviceUrl: 'https://smba.connector.test/emea/',
      timestamp: new Date().toISOString(),
      from: { id: 'user-replay', name: 'Camille' },
      recipient: { id: 'bot', name: 'Guichet' },
      conversation: { id: 'bf-replay-conversation' },
      text: 'quels sont les horaires de la mairie ?',
      locale: 'fr-FR',
    };
    const statuses = await Promise.all(
      [1, 2, 3].map(() =>
        request(app)
          .post('/api/messages')
          .send(activity)
          .then((r) => r.status),
      ),
    );
    expect(statuses).toEqual([200, 200, 200]);
    const conversation = await container.store.findConversation({
      tenantId: DEMO_TENANT,
      channel: 'botframework',
      address: 'bf-replay-conversation',
    });
    expect(conversation).not.toBeNull();
    expect(
      await count(`SELECT 1 FROM messages WHERE conversation_id = $1 AND direction = 'in'`, [
        conversation!.id,
      ]),
    ).toBe(1);
    // The replies are sent to the connector once, not once per delivery.
    const single = (await container.store.listMessages(DEMO_TENANT, conversation!.id)).filter(
      (m) => m.direction === 'out',
    );
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.length).toBe(single.length);
    await channel.close();
  });
});
