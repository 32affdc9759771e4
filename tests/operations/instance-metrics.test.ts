// An instance's Prometheus metrics, as an operator reads them: every citizen's turn counted by channel and
// outcome (answered, a provider's retry given the stored answer, forwarded to the agent who owns the
// conversation, failed with its error code), each stage of a turn timed, the territories kept parsed, served on
// an address of their own behind an optional bearer token. The built server's smoke test scrapes them too
// (tests/smoke/production.test.ts).
import { MemoryIdempotencyStore, MemoryLockManager, MemoryStateStore } from '../../adapters/memory';
import { PrometheusMetrics, startMetricsServer, type MetricsServer } from '../../adapters/metrics';
import { createEngine } from '../../bot/engine';
import { GuichetError } from '../../bot/errors';
import { createNlu } from '../../bot/nlu';
import type { ConversationStateStore, TurnObserver } from '../../bot/ports';
import type { Container } from '../../server/container';
import { DEMO_TENANT, createTestContainer } from '../support/harness';
import { metricValue } from '../support/metrics';
import { TEST_TENANT } from '../support/engine-harness';
import { createSharedStore } from '../../adapters/postgres';

describe('an instance’s metrics', () => {
  let container: Container;
  beforeAll(async () => {
    container = await createTestContainer({ METRICS_BIND: '127.0.0.1:0' });
  });
  afterAll(() => container.close());

  const sms = (text: string, providerMessageId: string, address = '+33612340001') =>
    container.engine.handleTurn({
      tenantId: DEMO_TENANT,
      channel: 'sms',
      address,
      text,
      providerMessageId,
    });

  it('count turns answered, a provider’s retry, a message to an agent’s conversation, and time their stages', async () => {
    const metrics = container.metrics!;
    expect(metrics).toBeInstanceOf(PrometheusMetrics);
    const first = await sms('horaires de la mairie ?', 'SMmetrics0001');
    expect(first.replies.length).toBeGreaterThan(0);
    // Twilio delivers the same message again: the stored answer, nothing redone.
    expect((await sms('horaires de la mairie ?', 'SMmetrics0001')).replayed).toBe(true);
    // An agent takes the conversation: the next message goes to them, the bot stays silent.
    await container.store.commitTurn({
      tenantId: DEMO_TENANT,
      conversationId: first.conversationId,
      messages: [],
      requests: [],
      outbox: [],
      conversation: { owner: 'queue' },
    });
    expect((await sms('bonjour, vous êtes là ?', 'SMmetrics0002')).forwardedToAgent).toBe(true);
    await sms('et la piscine ?', 'SMmetrics0003', '+33612340002');

    const text = await metrics.text();
    expect(metricValue(text, 'guichet_turns_total{channel="sms",outcome="answered"}')).toBe(2);
    expect(metricValue(text, 'guichet_turns_total{channel="sms",outcome="replayed"}')).toBe(1);
    expect(metricValue(text, 'guichet_turns_total{channel="sms",outcome="forwarded"}')).toBe(1);
    expect(metricValue(text, 'guichet_turn_duration_seconds_count{channel="sms"}')).toBe(4);
    // The answered turns went through every stage; the replay stopped at its claim, the forwarded one at the
    // agent gate (after reading the conversation).
    expect(metricValue(text, 'guichet_turn_stage_duration_seconds_count{stage="coordination"}')).toBe(3);
    expect(metricValue(text, 'guichet_turn_stage_duration_seconds_count{stage="load"}')).toBe(3);
    for (const stage of ['understand', 'dialogue', 'commit', 'state'])
      expect(metricValue(text, `guichet_turn_stage_duration_seconds_count{stage="${stage}"}`)).toBe(2);
    // The stages of a turn add up to no more than the turn.
    const stageSum = ['coordination', 'load', 'understand', 'dialogue', 'commit', 'state']
      .map((stage) => metricValue(text, `guichet_turn_stage_duration_seconds_sum{stage="${stage}"}`))
      .reduce((a, b) => a + b, 0);
    expect(stageSum).toBeGreaterThan(0);
    expect(stageSum).toBeLessThanOrEqual(
      metricValue(text, 'guichet_turn_duration_seconds_sum{channel="sms"}'),
    );
    // Every territory stays parsed in a deployment of a few: none inflated again.
    const territories = container.territories.current().summaries().length;
    expect(metricValue(text, 'guichet_territories')).toBe(territories);
    expect(metricValue(text, 'guichet_territories_parsed')).toBe(territories);
    expect(metricValue(text, 'guichet_territory_inflations_total')).toBe(0);
    // Node's own figures, under their usual names.
    expect(metricValue(text, 'process_cpu_seconds_total')).toBeGreaterThan(0);
    expect(text).toContain('nodejs_eventloop_lag_p99_seconds');
  });

  it('show what the outbox holds for delivery, and how late it is', async () => {
    const metrics = container.metrics!;
    const before = await metrics.text();
    const waiting = metricValue(before, 'guichet_outbox_pending');
    const conversation = await container.store.openConversation({
      tenantId: DEMO_TENANT,
      channel: 'sms',
      address: '+33612340009',
    });
    // The relay is off in this container: the notification stays pending, due at once.
    await container.store.commitTurn({
      tenantId: DEMO_TENANT,
      conversationId: conversation.id,
      messages: [],
      requests: [],
      outbox: [{ kind: 'notification', payload: { to: '+33612340009' }, dedupeKey: 'metrics-outbox-1' }],
    });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const after = await metrics.text();
    expect(metricValue(after, 'guichet_outbox_pending')).toBe(waiting + 1);
    expect(metricValue(after, 'guichet_outbox_overdue_seconds')).toBeGreaterThanOrEqual(1);
  });

  it('count a failed turn by its error code', async () => {
    const redisDown = {
      get: () => Promise.reject(new GuichetError('DEPENDENCY_UNAVAILABLE', 'Redis is down')),
      set: () => Promise.reject(new GuichetError('DEPENDENCY_UNAVAILABLE', 'Redis is down')),
      delete: () => Promise.resolve(),
      close: () => Promise.resolve(),
    } as unknown as ConversationStateStore;
    const metrics = new PrometheusMetrics({}, { processMetrics: false });
    const { engine, store } = await bareEngine(metrics, redisDown);
    try {
      await expect(
        engine.handleTurn({ tenantId: TEST_TENANT.id, channel: 'webchat', address: 's-1', text: 'bonjour' }),
      ).rejects.toMatchObject({ code: 'DEPENDENCY_UNAVAILABLE' });
      const text = await metrics.text();
      expect(metricValue(text, 'guichet_turns_total{channel="webchat",outcome="failed"}')).toBe(1);
      expect(
        metricValue(text, 'guichet_turn_errors_total{channel="webchat",code="DEPENDENCY_UNAVAILABLE"}'),
      ).toBe(1);
      expect(text).not.toContain('process_cpu_seconds_total');
    } finally {
      await store.close();
    }
  });
});

it('answers the citizen even when measuring the turn fails', async () => {
  const { engine, store } = await bareEngine({
    turnEnded() {
      throw new Error('a broken observer');
    },
  });
  try {
    const result = await engine.handleTurn({
      tenantId: TEST_TENANT.id,
      channel: 'webchat',
      address: 's-2',
      text: 'bonjour',
    });
    expect(result.replies.length).toBeGreaterThan(0);
  } finally {
    await store.close();
  }
});

/** An engine of the test tenant on an in-memory store, told to this observer. */
async function bareEngine(observer: TurnObserver, state: ConversationStateStore = new MemoryStateStore()) {
  const store = createSharedStore({});
  await store.migrate();
  await store.upsertTenants([{ id: TEST_TENANT.id, name: TEST_TENANT.name }]);
  const engine = createEngine({
    nlu: createNlu(),
    store,
    state,
    locks: new MemoryLockManager(),
    idempotency: new MemoryIdempotencyStore(),
    tenants: { get: (id) => (id === TEST_TENANT.id ? TEST_TENANT : undefined) },
    modules: [],
    observer,
  });
  return { engine, store };
}

describe('the metrics listener (METRICS_BIND)', () => {
  const TOKEN = 'metrics-token-for-the-tests-0123456789';
  let server: MetricsServer;
  let metrics: PrometheusMetrics;
  beforeAll(async () => {
    metrics = new PrometheusMetrics(
      {
        outbox: () => Promise.reject(new Error('the database does not answer')),
        territories: () => ({
          territories: 2000,
          parsed: 1500,
          inflations: 37,
          faqsParsed: 256,
          faqInflations: 412,
        }),
        connections: () => [
          { pool: 'main', total: 8, idle: 3, waiting: 2 },
          { pool: 'async-commit', total: 2, idle: 2, waiting: 0 },
        ],
      },
      { processMetrics: false },
    );
    server = await startMetricsServer({ metrics, host: '127.0.0.1', port: 0, token: TOKEN });
  });
  afterAll(() => server.close());

  it('serves GET /metrics to the bearer of the token only', async () => {
    expect((await fetch(server.url)).status).toBe(401);
    expect((await fetch(server.url, { headers: { authorization: `Bearer ${TOKEN}x` } })).status).toBe(401);
    expect((await fetch(server.url, { headers: { authorization: TOKEN } })).status).toBe(401);
    const res = await fetch(server.url, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const text = await res.text();
    // What the sources say when scraped: a platform whose cache of parsed territories is too small, a pool
    // with queries waiting for a connection.
    expect(metricValue(text, 'guichet_territories')).toBe(2000);
    expect(metricValue(text, 'guichet_territories_parsed')).toBe(1500);
    expect(metricValue(text, 'guichet_territory_inflations_total')).toBe(37);
    expect(metricValue(text, 'guichet_territory_faqs_parsed')).toBe(256);
    expect(metricValue(text, 'guichet_territory_faq_inflations_total')).toBe(412);
    expect(metricValue(text, 'guichet_db_pool_connections{pool="main"}')).toBe(8);
    expect(metricValue(text, 'guichet_db_pool_idle_connections{pool="main"}')).toBe(3);
    expect(metricValue(text, 'guichet_db_pool_waiting_queries{pool="main"}')).toBe(2);
    expect(metricValue(text, 'guichet_db_pool_waiting_queries{pool="async-commit"}')).toBe(0);
    // The database does not answer: the outbox is not known, the rest is still served.
    expect(metricValue(text, 'guichet_outbox_pending')).toBeNaN();
    expect(metricValue(text, 'guichet_outbox_overdue_seconds')).toBeNaN();
    // Scraped again: the counters are not added twice.
    const again = await (await fetch(server.url, { headers: { authorization: `Bearer ${TOKEN}` } })).text();
    expect(metricValue(again, 'guichet_territory_inflations_total')).toBe(37);
  });

  it('does not wait for a database that never answers: the outbox is NaN for that scrape, and the next one', async () => {
    const stalled = new PrometheusMetrics(
      { outbox: () => new Promise(() => undefined) },
      { processMetrics: false },
    );
    // Without the deadline the first scrape never ends (and every later one waited on the same reading): the
    // test's own timeout fails it.
    for (let scrape = 0; scrape < 2; scrape++) {
      const text = await stalled.text();
      expect(metricValue(text, 'guichet_outbox_pending')).toBeNaN();
      expect(metricValue(text, 'guichet_outbox_overdue_seconds')).toBeNaN();
    }
  }, 15_000);

  it('answers nothing else: another path 404, another method 405', async () => {
    const base = server.url.replace(/\/metrics$/, '');
    expect((await fetch(`${base}/`)).status).toBe(404);
    expect((await fetch(`${base}/healthz`)).status).toBe(404);
    const post = await fetch(server.url, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });
});
