// The benchmark's data generator at a small scale, on PGlite: what it writes is what expectedCounts computes
// from the same formulas, and the indicators read exactly that back (a bigger check than the hand-counted
// contract, on the data the benchmark measures). The million-row run is `npm run bench:indicators`.
import { createSharedStore, type PostgresSharedStore } from '../../adapters/postgres';
import { createPostgresBackofficeStores } from '../../adapters/postgres/backoffice';
import { BENCH_TENANT, expectedCounts, generate, SPAN_DAYS, START } from '../../bench/indicators-data';

jest.setTimeout(120_000);

const N = 3000;
const DAY_MS = 86_400_000;
const asMap = (rows: { key: string; count: number }[]) => new Map(rows.map((r) => [r.key, r.count]));

describe('indicators benchmark data', () => {
  let store: PostgresSharedStore;

  beforeAll(async () => {
    store = createSharedStore({});
    await store.migrate();
    await generate(store.sql, N);
  });
  afterAll(() => store?.close());

  it.each([
    ['the whole span', START, new Date(START.getTime() + SPAN_DAYS * DAY_MS)],
    ['90 days', new Date('2026-03-01T00:00:00Z'), new Date('2026-05-30T00:00:00Z')],
  ])('counts by type, channel and commune what the generator wrote (%s)', async (_, from, to) => {
    const view = await createPostgresBackofficeStores(store.sql).indicators.indicators({
      tenantId: BENCH_TENANT,
      authorityId: null,
      from,
      to,
      timeZone: 'Europe/Paris',
    });
    const expected = expectedCounts(N, from, to);
    expect(view.requests.total).toBe(expected.total);
    expect(asMap(view.requests.byType)).toEqual(expected.byType);
    expect(asMap(view.requests.byChannel)).toEqual(expected.byChannel);
    expect(asMap(view.requests.byCommune)).toEqual(expected.byCommune);
    expect(view.trend.buckets.reduce((n, b) => n + b.requests, 0)).toBe(expected.total);
    expect(view.requests.byWeek.reduce((n, b) => n + b.count, 0)).toBe(expected.total);
  });
});
