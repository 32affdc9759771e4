// What the cache of parsed territories costs the garbage collector, apart from the server: the generated platform's
// territories loaded with TERRITORY_CACHE_SIZE=<n>, then 15 s of synthetic turns, each reading the next territory
// (spread over all 2,000, as the bench's all-tenants phase) and making ~0.5 MB of short-lived garbage with a few
// survivors. Prints turns done, live heap, and the collector's pauses (minor; major and incremental marking).
//   npx tsx bench/platform/territory-cache-gc.ts 256     (the generated platform: npm run bench -- --platform)
//   npx tsx bench/platform/territory-cache-gc.ts 2000
import { tmpdir } from 'node:os';
import path from 'node:path';
import { constants, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { loadTerritoriesSync } from '../../knowledge/territory/load';

const cacheSize = Number(process.argv[2] ?? 2000);
const dir = process.argv[3] ?? path.join(tmpdir(), 'guichet-platform-2000');
const catalog = loadTerritoriesSync(dir, { cacheSize });
const pauses: { kind: number; ms: number }[] = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries() as (PerformanceEntry & { detail?: { kind?: number } })[])
    pauses.push({ kind: e.detail?.kind ?? 0, ms: e.duration });
}).observe({ entryTypes: ['gc'] });

async function main(): Promise<void> {
  const ids = catalog.summaries().map((s) => s.id);
  const survivors: unknown[] = [];
  const t0 = performance.now();
  let turns = 0;
  while (performance.now() - t0 < 15_000) {
    // Let the observer hear of the collections.
    if (turns % 500 === 0) await new Promise((r) => setImmediate(r));
    const territory = catalog.get(ids[(turns * 7919) % ids.length]!)!;
    const garbage = Array.from({ length: 2000 }, (_, i) => ({
      i,
      s: `${territory.name}-${i}`,
      a: [i, i + 1],
    }));
    survivors.push(garbage.slice(0, 20));
    if (survivors.length > 1000) survivors.shift();
    turns++;
  }
  await new Promise((r) => setTimeout(r, 100));
  const of = (kinds: number[]) => pauses.filter((p) => kinds.includes(p.kind));
  const total = (xs: { ms: number }[]) => Math.round(xs.reduce((a, p) => a + p.ms, 0));
  const minor = of([constants.NODE_PERFORMANCE_GC_MINOR]);
  const major = of([constants.NODE_PERFORMANCE_GC_MAJOR, constants.NODE_PERFORMANCE_GC_INCREMENTAL]);
  console.log(
    JSON.stringify({
      cacheSize,
      turns,
      liveHeapMb: Math.round(process.memoryUsage().heapUsed / 1e6),
      minor: { count: minor.length, ms: total(minor) },
      major: {
        count: major.length,
        ms: total(major),
        maxMs: Math.round(Math.max(0, ...major.map((p) => p.ms))),
      },
      cache: catalog.cacheStats(),
    }),
  );
}

void main();
