// Statistical secrecy of the published counts. A count of fewer than k requests (k = OPEN_DATA_K_ANONYMITY, 5 by
// default) is not published: with "1 signalement à Vernière le 3 mars par SMS", neighbours can tell who made it.
// Hiding small cells is not enough when totals are published too (on the public page: per category, per commune,
// per month, overall): a total minus its published cells gives the hidden one back, and the overall total minus
// the published categories gives back a hidden category. So, as statistical institutes do (secondary
// suppression), until nothing changes:
//  - a total with exactly one hidden cell hides its smallest other cell too (one that is not alone in another
//    total when there is a choice); a total whose only cell is hidden is hidden itself;
//  - a dimension (the categories, the communes, the months) with exactly one hidden total hides its smallest
//    other total too, and one of that total's cells when all of them were published (else it could be summed).
// Then a hidden cell or total is always mixed with at least one other hidden one in every published sum it is
// part of. This is a heuristic, not a solver: it does not search every linear combination across dimensions.

export interface SuppressibleCell {
  requests: number;
}

/** The totals published along one dimension: the cells a total sums are those with the same key. */
export type GroupKey<C> = (cell: C) => string;

export interface Suppressed<C> {
  cell: C;
  /** Below the threshold itself (primary), or hidden to protect one that is (secondary). */
  suppressed: false | 'primary' | 'secondary';
}

export interface Suppression<C> {
  cells: Suppressed<C>[];
  /** Whether the total of `key` along dimension `dimension` (its index in `dimensions`) may be published. */
  totalPublished(dimension: number, key: string): boolean;
}

interface Total<C> {
  dimension: number;
  key: string;
  members: Suppressed<C>[];
  sum: number;
  hidden: boolean;
}

/**
 * `dimensions[0]` is the grand total (one key for every cell); each other dimension is a set of published totals
 * that add up to it.
 */
export function suppressSmallCounts<C extends SuppressibleCell>(
  cells: readonly C[],
  k: number,
  dimensions: readonly GroupKey<C>[],
): Suppression<C> {
  const out: Suppressed<C>[] = cells.map((cell) => ({
    cell,
    suppressed: cell.requests < k ? 'primary' : false,
  }));
  const totals: Total<C>[][] = dimensions.map((key, dimension) => {
    const byKey = new Map<string, Total<C>>();
    for (const item of out) {
      const id = key(item.cell);
      const total = byKey.get(id) ?? { dimension, key: id, members: [], sum: 0, hidden: false };
      total.members.push(item);
      total.sum += item.cell.requests;
      byKey.set(id, total);
    }
    for (const total of byKey.values()) total.hidden = total.sum < k;
    return [...byKey.values()];
  });
  const totalsOf = new Map<Suppressed<C>, Total<C>[]>();
  for (const total of totals.flat())
    for (const item of total.members) totalsOf.set(item, [...(totalsOf.get(item) ?? []), total]);
  const lone = (item: Suppressed<C>) => (totalsOf.get(item) ?? []).some((t) => t.members.length === 1);
  const smallest = <T>(items: T[], size: (t: T) => number): T | undefined =>
    items.reduce<T | undefined>(
      (best, t) => (best === undefined || size(t) < size(best) ? t : best),
      undefined,
    );

  let changed = true;
  while (changed) {
    changed = false;
    for (const total of totals.flat()) {
      const hidden = total.members.filter((i) => i.suppressed !== false);
      if (hidden.length !== 1) continue;
      const published = total.members.filter((i) => i.suppressed === false);
      const pick =
        smallest(
          published.filter((i) => !lone(i)),
          (i) => i.cell.requests,
        ) ?? smallest(published, (i) => i.cell.requests);
      if (pick) {
        pick.suppressed = 'secondary';
        changed = true;
      } else if (!total.hidden) {
        total.hidden = true;
        changed = true;
      }
    }
    for (const dimension of totals.slice(1)) {
      if (dimension.length < 2 || dimension.filter((t) => t.hidden).length !== 1) continue;
      const other = smallest(
        dimension.filter((t) => !t.hidden),
        (t) => t.sum,
      )!;
      other.hidden = true;
      if (other.members.every((i) => i.suppressed === false))
        smallest(other.members, (i) => i.cell.requests)!.suppressed = 'secondary';
      changed = true;
    }
  }
  const hiddenTotals = new Set(
    totals
      .flat()
      .filter((t) => t.hidden)
      .map((t) => `${t.dimension}\u0000${t.key}`),
  );
  return {
    cells: out,
    totalPublished: (dimension, key) => !hiddenTotals.has(`${dimension}\u0000${key}`),
  };
}
