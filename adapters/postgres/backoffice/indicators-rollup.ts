// The daily roll-up of the indicators (migration 0026): its time zone and its delays' histogram bins, one
// definition for the SQL that fills them and the code that reads percentiles from them. Bin 1 holds delays up to one minute; bin k > 1 holds delays in
// (60 s × RATIO^(k-2), 60 s × RATIO^(k-1)]; the last bin also holds everything longer (beyond ~1.6 years).
// A percentile read from summed bins lies in the same bin as the exact one: above one minute, within a factor
// RATIO (25 %) of it; below, within 60 s (docs/back-office.md, "Indicateurs de pilotage").
/** The days of the roll-up are days in this zone; a query in another zone reads the requests themselves. */
export const ROLLUP_ZONE = 'Europe/Paris';
export const BINS = 64;
export const FIRST_EDGE_SECONDS = 60;
export const RATIO = 1.25;

/** The SQL expression of a delay's bin (1-based, null for no delay); `seconds` is an SQL float8 expression. */
export function binSql(seconds: string): string {
  return `CASE WHEN ${seconds} IS NULL THEN NULL WHEN ${seconds} <= ${FIRST_EDGE_SECONDS} THEN 1
    ELSE LEAST(${BINS}, 1 + ceil(ln((${seconds}) / ${FIRST_EDGE_SECONDS}) / ln(${RATIO}))::int) END`;
}

/** A bin's bounds in seconds (the first starts at 0). */
function bounds(bin: number): [number, number] {
  if (bin === 1) return [0, FIRST_EDGE_SECONDS];
  return [FIRST_EDGE_SECONDS * RATIO ** (bin - 2), FIRST_EDGE_SECONDS * RATIO ** (bin - 1)];
}

/** Adds histogram `b` into `a` (same length). */
export function addInto(a: number[], b: readonly number[]): void {
  for (let i = 0; i < b.length; i++) a[i] = (a[i] ?? 0) + (b[i] ?? 0);
}

export const emptyHistogram = (): number[] => new Array<number>(BINS).fill(0);

export const countOf = (h: readonly number[]): number => h.reduce((n, c) => n + c, 0);

/**
 * The value of the i-th smallest delay (0-based), its bin's values taken as evenly spread over the bin.
 */
function valueAt(h: readonly number[], index: number): number {
  let before = 0;
  for (let b = 0; b < h.length; b++) {
    const n = h[b]!;
    if (index < before + n) {
      const [lo, hi] = bounds(b + 1);
      return lo + ((index - before + 0.5) / n) * (hi - lo);
    }
    before += n;
  }
  return bounds(h.length)[1];
}

/** percentile_cont(p) of the histogram's delays: interpolated between the two nearest ranks, as PostgreSQL does. */
export function percentileOf(h: readonly number[], p: number): number | null {
  const n = countOf(h);
  if (n === 0) return null;
  const rank = p * (n - 1);
  const lo = Math.floor(rank);
  const low = valueAt(h, lo);
  return lo === rank ? low : low + (rank - lo) * (valueAt(h, lo + 1) - low);
}

/** How many delays are at most `seconds`: whole bins below, the straddling bin's share (rounded). */
export function countAtMost(h: readonly number[], seconds: number): number {
  let n = 0;
  for (let b = 0; b < h.length; b++) {
    const [lo, hi] = bounds(b + 1);
    if (hi <= seconds) n += h[b]!;
    else if (lo < seconds) n += Math.round((h[b]! * (seconds - lo)) / (hi - lo));
  }
  return n;
}
