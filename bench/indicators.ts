// `npm run bench:indicators`: the steering indicators over a million requests on the real PostgreSQL
// (BENCHMARKS.md, "Indicators"). The data set is generated once into its own schema (bench_indicators) by
// bench/indicators-data.ts and kept: later runs only measure (--regenerate starts over, --scale N sets its size).
// Each call is what GET /api/v1/indicators asks of the store: the period and the previous one.
// Prints the median and p95 per scenario in ms; the last line is one JSON object.
// --trace: also one sequential call per scenario with each statement's time (what dominates), slowest first.
// --write-cost N: instead, what the roll-up's triggers cost on writes — N requests with their conversations,
// messages and interventions generated into a scratch schema with the triggers disabled, then enabled; then N
// citizens' messages of today (a turn's own write) each way, and 1,000 requests created then resolved, one
// transaction each (the application's writes), each way.
import { createSharedStore } from '../adapters/postgres';
import { createPostgresBackofficeStores } from '../adapters/postgres/backoffice';
import { indicators as indicatorsOf } from '../adapters/postgres/backoffice/indicators';
import type { SqlClient, SqlExecutor } from '../adapters/postgres/sql-client';
import type { IndicatorsQuery } from '../backoffice/ports';
import { previousPeriod } from '../backoffice/indicators/definitions';
import { BENCH_TENANT, generate, SPAN_DAYS, START } from './indicators-data';
import { percentile } from './load';

const SCHEMA = 'bench_indicators';
const DAY_MS = 86_400_000;

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

/** The roll-up's triggers (migrations 0026 and 0028), by table. */
const ROLLUP_TRIGGERS: [string, string][] = [
  ['requests', 'requests_rollup_insert_delete'],
  ['requests', 'requests_rollup_update'],
  ['conversations', 'conversations_rollup_insert_delete'],
  ['conversations', 'conversations_rollup_update'],
  ['messages', 'messages_turns_backdated'],
  ['messages', 'messages_turns_changed'],
  ['messages', 'messages_turns_deleted'],
  ['interventions', 'interventions_rollup_insert'],
  ['interventions', 'interventions_rollup_delete'],
  ['interventions', 'interventions_rollup_update'],
];

/** The client `sql` with each statement's time noted in `times` (its first line, trimmed, as the key). */
function traced(sql: SqlClient, times: [string, number][]): SqlClient {
  const wrap = <E extends SqlExecutor>(e: E): E =>
    Object.assign(Object.create(e) as E, {
      query: async (text: string, params?: readonly unknown[]) => {
        const t0 = performance.now();
        try {
          return await e.query(text, params);
        } finally {
          times.push([text.trim().replace(/\s+/g, ' ').slice(0, 90), performance.now() - t0]);
        }
      },
    });
  return Object.assign(wrap(sql), {
    transaction: <T>(fn: (tx: SqlExecutor) => Promise<T>) => sql.transaction((tx) => fn(wrap(tx))),
  });
}

async function writeCost(databaseUrl: string, n: number): Promise<void> {
  const schema = 'bench_indicators_writes';
  const out: Record<string, { generateMs: number; todayMessagesMs: number; perRequestMs: number }> = {};
  for (const triggers of [false, true]) {
    const store = createSharedStore({ databaseUrl, schema, poolSize: 2 });
    await store.sql.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await store.migrate();
    if (!triggers) {
      await store.sql.exec(
        ROLLUP_TRIGGERS.map(([t, name]) => `ALTER TABLE ${t} DISABLE TRIGGER ${name};`).join('\n'),
      );
    }
    let t0 = performance.now();
    await generate(store.sql, n);
    const generateMs = Math.round(performance.now() - t0);
    t0 = performance.now();
    await store.sql.query(
      `INSERT INTO messages (conversation_id, tenant_id, direction, text, intent)
       SELECT c.id, c.tenant_id, 'in', 'aujourd’hui', 'ask_faq' FROM conversations c
       CROSS JOIN generate_series(1, 2) LIMIT $1`,
      [n],
    );
    const todayMessagesMs = Math.round(performance.now() - t0);
    // The application's way: one request per transaction, created then resolved (its own two commits).
    const single = Math.min(1000, n);
    t0 = performance.now();
    for (let i = 0; i < single; i++) {
      await store.sql.query(
        `INSERT INTO requests (reference, tenant_id, type, status, authority_id, commune_id, channel, payload,
           created_at, updated_at, first_response_at)
         SELECT 'DEM-2099-' || lpad(($2::int)::text, 7, '0'), tenant_id, type, 'received', authority_id, commune_id, channel, payload,
           now(), now(), now() FROM requests WHERE tenant_id = $1 ORDER BY created_at DESC OFFSET $2::int LIMIT 1`,
        [BENCH_TENANT, i],
      );
      await store.sql.query(
        `UPDATE requests SET status = 'resolved', resolved_at = now() WHERE tenant_id = $1 AND reference = 'DEM-2099-' || lpad(($2::int)::text, 7, '0')`,
        [BENCH_TENANT, i],
      );
    }
    const perRequestMs = Number(((performance.now() - t0) / single).toFixed(2));
    out[triggers ? 'with roll-up triggers' : 'without'] = { generateMs, todayMessagesMs, perRequestMs };
    process.stdout.write(
      `${triggers ? 'with roll-up triggers' : 'without'}: generate ${n} requests ${generateMs} ms, ${n} messages of today ${todayMessagesMs} ms, one request created then resolved (2 transactions) ${perRequestMs} ms\n`,
    );
    await store.sql.exec(`DROP SCHEMA ${schema} CASCADE`);
    await store.close();
  }
  process.stdout.write(`${JSON.stringify({ writeCost: n, results: out })}\n`);
}

async function main(): Promise<void> {
  const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  if (process.argv.includes('--write-cost')) return writeCost(databaseUrl, option('write-cost', 50_000));
  const scale = option('scale', 1_000_000);
  const runs = option('runs', 40);
  const store = createSharedStore({ databaseUrl, schema: SCHEMA, poolSize: 2 });
  const sql = store.sql;
  if (process.argv.includes('--regenerate')) await sql.exec(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
  await store.migrate();
  const [have] = (
    await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM requests WHERE tenant_id = $1', [
      BENCH_TENANT,
    ])
  ).rows;
  if (!have || have.n === 0) {
    const t0 = performance.now();
    process.stdout.write(`generating ${scale.toLocaleString('en')} requests in schema ${SCHEMA}…\n`);
    await generate(sql, scale);
    // The roll-up's tables too: the triggers updated their rows once per request, leaving dead versions behind.
    await sql.exec(
      `VACUUM ANALYZE requests, conversations, messages, callbacks, interventions, request_daily_counts,
       request_daily_delays, conversation_daily, request_monthly_counts, request_monthly_delays,
       message_daily_turns, intervention_daily_done`,
    );
    process.stdout.write(`generated in ${Math.round((performance.now() - t0) / 1000)} s\n`);
  } else {
    process.stdout.write(`reusing ${have.n.toLocaleString('en')} requests in schema ${SCHEMA}\n`);
  }
  const indicators = createPostgresBackofficeStores(sql).indicators;
  const end = new Date(START.getTime() + SPAN_DAYS * DAY_MS);
  const levels = [
    { type: 'report_incident', category: 'voirie', days: 7 },
    { type: 'report_incident', category: null, days: 15 },
    { type: 'school_registration', category: null, days: 10 },
    { type: 'civil_status', category: null, days: 5 },
  ];
  const scenario = (days: number, extra: Partial<IndicatorsQuery> = {}): IndicatorsQuery => ({
    tenantId: BENCH_TENANT,
    authorityId: null,
    from: new Date(end.getTime() - days * DAY_MS),
    to: end,
    timeZone: 'Europe/Paris',
    granularity: days > 124 ? 'month' : 'week',
    serviceLevels: levels,
    ...extra,
  });
  const scenarios: [string, IndicatorsQuery][] = [
    ['30 days, territory', scenario(30)],
    ['90 days, territory', scenario(90)],
    ['90 days, one authority', scenario(90, { authorityId: 'commune-1' })],
    ['365 days, territory (months)', scenario(365)],
  ];
  const results: Record<string, { p50: number; p95: number; requests: number }> = {};
  for (const [label, q] of scenarios) {
    // As the API asks: both periods at once.
    const call = async () =>
      (
        await Promise.all([
          indicators.indicators(q),
          indicators.indicators({ ...q, ...previousPeriod(q.from, q.to) }),
        ])
      )[0];
    const view = await call(); // warm-up (plans, caches)
    if (process.argv.includes('--trace')) {
      const times: [string, number][] = [];
      await indicatorsOf(traced(sql, times), q);
      times.sort((a, b) => b[1] - a[1]);
      for (const [text, ms] of times.slice(0, 6))
        process.stdout.write(`  ${ms.toFixed(0).padStart(5)} ms  ${text}\n`);
    }
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      await call();
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    const r = {
      p50: Math.round(percentile(times, 50)),
      p95: Math.round(percentile(times, 95)),
      requests: view.requests.total,
    };
    results[label] = r;
    process.stdout.write(
      `${label.padEnd(32)} ${String(r.requests).padStart(8)} requests: median ${r.p50} ms, p95 ${r.p95} ms (${runs} runs, period + previous)\n`,
    );
  }
  await store.close();
  process.stdout.write(`${JSON.stringify({ scale, results })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
