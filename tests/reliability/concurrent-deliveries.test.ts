// Three deliveries of one SMS (same Twilio MessageSid) arriving at once on two instances sharing Redis and
// PostgreSQL, 200 times over, several conversations with more than one message in flight: every copy gets
// the same answer, no copy fails (a failure is what the channel turns into the degraded answer), and every
// citizen message is processed exactly once. A duplicate waits for the owner's recorded answer; it never
// queues for the conversation lock, where it could hold the owner up (issue 16.1: 10 s stalls, copies
// answering "DEGRADED", messages never processed).
import type { PostgresSharedStore } from '../../adapters/postgres';
import type { TurnResult } from '../../bot/engine';
import type { Container } from '../../server/container';
import { createTestContainer, DEMO_TENANT } from '../support/harness';
import { databaseUrl, describeWith, redisUrl, uniqueSuffix } from '../support/services';

const describeWithBoth = (name: string, fn: () => void): void =>
  describeWith(process.env.GUICHET_POSTGRES_AVAILABLE === '1' ? 'redis' : 'postgres', name, fn);

const CONVERSATIONS = 50;
const MESSAGES_PER_CONVERSATION = 4; // 200 triples
const TEXTS = [
  'bonjour',
  'quels sont les horaires de la mairie ?',
  'je voudrais signaler un lampadaire en panne',
  'merci au revoir',
];

describeWithBoth('concurrent deliveries of one message on two instances', () => {
  const suffix = uniqueSuffix();
  const schema = `deliveries_${suffix}`.toLowerCase();
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

  it('answers the three copies of each of 200 messages the same, none failed, each message processed once', async () => {
    type Copy = { outcome: PromiseSettledResult<TurnResult>; ms: number };
    const deliver = async (instance: Container, address: string, sid: string, text: string) => {
      const started = performance.now();
      const [outcome] = await Promise.allSettled([
        instance.engine.handleTurn({
          tenantId: DEMO_TENANT,
          channel: 'sms',
          address,
          providerMessageId: sid,
          text,
        }),
      ]);
      return { outcome: outcome!, ms: performance.now() - started } satisfies Copy;
    };

    const base = Number(Date.now().toString().slice(-6));
    const triples = Array.from({ length: CONVERSATIONS * MESSAGES_PER_CONVERSATION }, (_, i) => {
      const address = `+3361${String(base + (i % CONVERSATIONS)).padStart(7, '0')}`;
      const seq = Math.floor(i / CONVERSATIONS);
      return { address, sid: `SM${suffix}x${i}`, text: `${TEXTS[seq]} (${seq})` };
    });
    // All 600 deliveries at once, the copies of one message alternating between the instances.
    const copies = await Promise.all(
      triples.map(({ address, sid, text }, i) =>
        Promise.all(
          (i % 2 === 0 ? [a, b, a] : [b, a, b]).map((instance) => deliver(instance, address, sid, text)),
        ),
      ),
    );

    const failures = copies.flat().filter((c) => c.outcome.status === 'rejected');
    expect(failures.map((c) => String((c.outcome as PromiseRejectedResult).reason))).toEqual([]);
    const answers = copies.map((triple) =>
      triple.map((c) => JSON.stringify((c.outcome as PromiseFulfilledResult<TurnResult>).value.replies)),
    );
    const disagreeing = answers.filter((triple) => new Set(triple).size !== 1);
    expect(disagreeing).toEqual([]);
    // Exactly one copy of each message did the work; the two others are replays of its answer.
    for (const triple of copies) {
      const replayed = triple.map((c) => (c.outcome as PromiseFulfilledResult<TurnResult>).value.replayed);
      expect(replayed.filter((r) => r !== true)).toHaveLength(1);
    }

    // Nothing dropped, nothing twice: each message is in its conversation's transcript once.
    const sql = (a.store as PostgresSharedStore).sql;
    const rows = await sql.query<{ provider_message_id: string; n: string | number }>(
      `SELECT provider_message_id, count(*) AS n FROM messages
        WHERE direction = 'in' AND provider_message_id LIKE $1 GROUP BY provider_message_id`,
      [`SM${suffix}x%`],
    );
    expect(rows.rows).toHaveLength(triples.length);
    expect(rows.rows.filter((r) => Number(r.n) !== 1)).toEqual([]);

    // The spread (slowest copy minus fastest) is recorded, not asserted: timings depend on the machine.
    const spreads = copies
      .map((t) => Math.max(...t.map((c) => c.ms)) - Math.min(...t.map((c) => c.ms)))
      .sort((x, y) => x - y);
    console.info(
      `copy spread over ${copies.length} triples: median ${spreads[spreads.length >> 1]?.toFixed(0)} ms, ` +
        `max ${spreads[spreads.length - 1]?.toFixed(0)} ms`,
    );
  }, 120_000);
});
