// `npm run bench:indicators`: the steering indicators over a million requests on the real PostgreSQL
// (BENCHMARKS.md, "Indicators"). The data set is generated once into its own schema (bench_indicators) by
// bench/indicators-data.ts and kept: later runs only measure (--regenerate starts over, --scale N sets its size).
// Each call is what GET /api/v1/indicators asks of the store: the period and the previous one.
// Prints the median and p95 per scenario in ms; the last line is one JSON object.
import { createSharedStore } from '../adapters/postgres';
import { createPostgresBackofficeStores } from '../adapters/postgres/backoffice';
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

async function main(): Promise<void> {
  const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
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
    await sql.exec('VACUUM ANALYZE requests, conversations, messages, callbacks, interventions');
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
