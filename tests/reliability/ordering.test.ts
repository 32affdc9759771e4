// Two instances (two containers sharing the real Redis and the real PostgreSQL, as two servers behind a
// load balancer): the messages of one conversation sent concurrently to both are processed one at a
// time, in the order the per-conversation lock was granted, none lost; a replay spread over both
// instances is processed once; and a lock holder whose lock expired cannot write over a newer turn.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { PostgresSharedStore } from '../../adapters/postgres';
import { FENCE_FIELD, stateKey } from '../../bot/engine';
import type { Lock } from '../../bot/ports';
import type { Container } from '../../server/container';
import { createTestContainer, DEMO_TENANT } from '../support/harness';
import { databaseUrl, describeWith, redisUrl, uniqueSuffix } from '../support/services';
import { appWebchat, choice, REFERENCE, reportUpToConfirmation } from './helpers';

/** Needs both servers: skipped (and recorded) as needing PostgreSQL when it is missing, else as needing Redis. */
const describeWithBoth = (name: string, fn: () => void): void =>
  describeWith(process.env.GUICHET_POSTGRES_AVAILABLE === '1' ? 'redis' : 'postgres', name, fn);

describeWithBoth('two instances sharing Redis and PostgreSQL', () => {
  const suffix = uniqueSuffix();
  const schema = `ordering_${suffix}`.toLowerCase();
  const env = { REDIS_URL: redisUrl(), DATABASE_URL: databaseUrl(), RATE_LIMITS_ENABLED: 'false' };
  const overrides = { redisKeyPrefix: `test:${suffix}:`, databaseSchema: schema };
  let a: Container;
  let b: Container;

  beforeAll(async () => {
    a = await createTestContainer(env, overrides);
    b = await createTestContainer(env, overrides);
  }, 180_000);
  afterAll(async () => {
    await (a?.store as PostgresSharedStore | undefined)?.sql
      .exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
      .catch(() => undefined);
    await Promise.allSettled([a?.close(), b?.close()]);
  });

  it('processes 10 concurrent messages of one conversation in lock order, none lost, none interleaved', async () => {
    // Which message holds the lock, recorded when each grant resolves (grants of one key are sequential).
    const current = new AsyncLocalStorage<number>();
    const granted: number[] = [];
    for (const instance of [a, b]) {
      const acquire = instance.locks.acquire.bind(instance.locks);
      jest.spyOn(instance.locks, 'acquire').mockImplementation(async (key, options) => {
        const lock: Lock = await acquire(key, options);
        const seq = current.getStore();
        if (seq !== undefined) granted.push(seq);
        return lock;
      });
    }
    const address = `+3367${Date.now().toString().slice(-7)}`;
    const send = (seq: number) =>
      current.run(seq, () =>
        (seq % 2 === 0 ? a : b).engine.handleTurn({
          tenantId: DEMO_TENANT,
          channel: 'sms',
          address,
          providerMessageId: `SM-order-${suffix}-${seq}`,
          text: `message numéro ${seq}`,
        }),
      );
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => send(i + 1)));
    jest.restoreAllMocks();

    expect(new Set(results.map((r) => r.conversationId)).size).toBe(1); // both instances found the same conversation
    expect(granted).toHaveLength(10);
    const transcript = await a.store.listMessages(DEMO_TENANT, results[0]!.conversationId);
    const inbound = transcript
      .filter((m) => m.direction === 'in')
      .map((m) => Number(/(\d+)$/.exec(m.text)?.[1]));
    // None lost, none twice, in the order the lock was granted.
    expect([...inbound].sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(inbound).toEqual(granted);
    // Each turn's replies sit right after its message (turns never interleave).
    const directions = transcript.map((m) => m.direction);
    directions.forEach((d, i) => {
      if (d === 'in') expect(directions[i + 1]).toBe('out');
    });
  });

  it('processes a confirmation replayed on both instances at once exactly once', async () => {
    const posts = [appWebchat(a.app), appWebchat(b.app)];
    const open = await reportUpToConfirmation(posts[0]!, { lat: 47.05, lon: 6.05 });
    const yes = choice(open.last, /Oui, enregistrer/)!;
    const answers = await Promise.all(
      [0, 1, 0].map((i) =>
        posts[i]!({
          conversationId: open.conversationId,
          token: open.token,
          clientMessageId: 'twice',
          ...yes,
        }),
      ),
    );
    expect(answers.map((x) => x.status)).toEqual([200, 200, 200]);
    const references = new Set(answers.map((x) => REFERENCE.exec(x.text)?.[0]));
    expect(references.size).toBe(1);
    expect([...references][0]).toMatch(REFERENCE);
    const conversation = await a.store.findConversation({
      tenantId: DEMO_TENANT,
      channel: 'webchat',
      address: open.conversationId,
    });
    const rows = await (a.store as PostgresSharedStore).sql.query(
      'SELECT id FROM requests WHERE conversation_id = $1',
      [conversation!.id],
    );
    expect(rows.rows).toHaveLength(1);
  });

  // An instance dies right after committing a confirmation: its answer (the reference) was never given nor
  // recorded as given, and its claim lapses. The provider's retry lands on the other instance.
  it.each([
    ['before writing the conversation state', true],
    ['after writing the conversation state', false],
  ])(
    'answers a retried confirmation with the request already recorded, once, when its instance died %s',
    async (_when, stateLost) => {
      const posts = [appWebchat(a.app), appWebchat(b.app)];
      const open = await reportUpToConfirmation(posts[0]!, { lat: 47.05, lon: 6.05 });
      const yes = {
        conversationId: open.conversationId,
        token: open.token,
        clientMessageId: `dies-${_when}`,
      };
      // The dying instance: its claim is never completed (it lapses: here at once), its state write maybe lost.
      jest.spyOn(a.idempotency, 'complete').mockImplementation((key) => a.idempotency.abandon(key));
      if (stateLost) jest.spyOn(a.state, 'set').mockRejectedValueOnce(new Error('instance killed'));
      const lost = await posts[0]!({ ...yes, ...choice(open.last, /Oui, enregistrer/)! });
      jest.restoreAllMocks();
      const reference = REFERENCE.exec(lost.text)?.[0];
      expect(reference).toMatch(REFERENCE);

      const retried = await posts[1]!({ ...yes, ...choice(open.last, /Oui, enregistrer/)! });
      expect([retried.status, retried.error]).toEqual([200, undefined]);
      // The citizen is told the reference that was recorded, and only one request exists.
      expect(retried.text).toBe(lost.text);
      const conversation = await a.store.findConversation({
        tenantId: DEMO_TENANT,
        channel: 'webchat',
        address: open.conversationId,
      });
      const rows = await (a.store as PostgresSharedStore).sql.query<{ reference: string }>(
        'SELECT reference FROM requests WHERE conversation_id = $1',
        [conversation!.id],
      );
      expect(rows.rows.map((r) => r.reference)).toEqual([reference]);
      const transcript = await a.store.listMessages(DEMO_TENANT, conversation!.id);
      expect(transcript.filter((m) => /enregistré sous la référence/.test(m.text))).toHaveLength(1);
      // The dialogue goes on from after the confirmation, not back in the report.
      const next = await posts[1]!({ conversationId: open.conversationId, token: open.token, text: 'merci' });
      expect(next.status).toBe(200);
      expect(next.text).not.toMatch(/enregistrer|Est-ce correct/i);
      const state = await b.engine.conversationState(conversation!.id);
      expect(state.form).toBeNull();
      // Delivered again much later (its answer forgotten by then): the same answer, and the dialogue stays where
      // the later turns left it.
      jest.spyOn(b.idempotency, 'claim').mockResolvedValueOnce({ status: 'claimed' });
      const late = await posts[1]!({ ...yes, ...choice(open.last, /Oui, enregistrer/)! });
      jest.restoreAllMocks();
      expect(late.text).toBe(lost.text);
      expect(await b.engine.conversationState(conversation!.id)).toEqual(state);
      const again = await (a.store as PostgresSharedStore).sql.query(
        'SELECT 1 FROM requests WHERE conversation_id = $1',
        [conversation!.id],
      );
      expect(again.rows).toHaveLength(1);
    },
  );

  it('starts afresh when the conversation at an address was closed (the remembered conversation id is a guess)', async () => {
    const address = `+3367${Date.now().toString().slice(-7)}`;
    const base = { tenantId: DEMO_TENANT, channel: 'sms' as const, address };
    const first = await a.engine.handleTurn({ ...base, text: 'il y a un nid de poule' });
    expect(first.replies[0]?.type).toBe('text'); // the personal-data notice, at first contact
    // An agent closes it from the back office (another instance, as far as the engine knows).
    await b.store.commitTurn({
      tenantId: DEMO_TENANT,
      conversationId: first.conversationId,
      messages: [],
      requests: [],
      outbox: [],
      conversation: { status: 'closed' },
    });
    const again = await a.engine.handleTurn({ ...base, text: 'bonjour' });
    expect(again.conversationId).not.toBe(first.conversationId);
    // A new conversation: the notice again, and nothing of the half-filled report.
    expect(again.replies[0]).toEqual(first.replies[0]);
    expect(again.replies.map((r) => ('text' in r ? r.text : '')).join(' ')).not.toMatch(/adresse|où/i);
  });

  it('refuses a turn whose lock expired once a newer holder wrote the conversation (fencing)', async () => {
    const address = `+3368${Date.now().toString().slice(-7)}`;
    // The conversation's lock key (a keyed hash of the address, never the number itself), as the engine asks.
    const asked = jest.spyOn(a.locks, 'acquire');
    const first = await a.engine.handleTurn({
      tenantId: DEMO_TENANT,
      channel: 'sms',
      address,
      text: 'bonjour',
    });
    const lockKey = asked.mock.calls[0]![0];
    asked.mockRestore();
    expect(lockKey).not.toContain(address.slice(1));
    const key = stateKey(first.conversationId);
    const stored = await a.state.get(key);
    expect(typeof stored?.data[FENCE_FIELD]).toBe('number'); // the writer's fencing token travels with the state

    // Instance A takes the lock and stalls past its TTL; B then takes it and answers.
    const stale = await a.locks.acquire(lockKey, { ttlMs: 200, waitMs: 1000 });
    await new Promise((r) => setTimeout(r, 400));
    expect(await stale.isHeld()).toBe(false);
    await b.engine.handleTurn({
      tenantId: DEMO_TENANT,
      channel: 'sms',
      address,
      text: 'horaires de la mairie',
    });
    const newer = await b.state.get(key);
    expect(newer!.data[FENCE_FIELD] as number).toBeGreaterThan(stale.token);

    // Had A carried on with its old token, it would find a newer fence and stop before writing anything.
    const messagesBefore = (await a.store.listMessages(DEMO_TENANT, first.conversationId)).length;
    const staleLock = {
      token: stale.token,
      isHeld: async () => true,
      extend: async () => true,
      release: async () => undefined,
    };
    jest.spyOn(a.locks, 'acquire').mockResolvedValueOnce(staleLock);
    await expect(
      a.engine.handleTurn({ tenantId: DEMO_TENANT, channel: 'sms', address, text: 'message en retard' }),
    ).rejects.toMatchObject({ code: 'LOCK_TIMEOUT' });
    jest.restoreAllMocks();
    expect((await a.store.listMessages(DEMO_TENANT, first.conversationId)).length).toBe(messagesBefore);
    expect((await a.state.get(key))!.version).toBe(newer!.version);
  });
});
