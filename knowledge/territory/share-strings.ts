// On a platform, thousands of territories repeat the same strings: the opening hours (a few dozen distinct values
// for 60,000 facilities), the platform's catalogue of request types, its notices and labels. Each parsed
// territory holds its own copies; made one, the 2,000 generated territories took 87 MB of heap instead of 116,
// and the garbage collector has fewer objects to mark at each full collection (BENCHMARKS.md, "Platform").

/**
 * Replaces, in place, every string of the object `value` (its objects and arrays, recursively) by the first equal one met in
 * `table` (added when new). Content is unchanged: strings are compared by value in JavaScript, only the heap
 * keeps fewer copies. Keys listed in `skip` are left as they are at the top level (the FAQ, kept apart).
 */
export function shareStrings<T extends object>(
  value: T,
  table: Map<string, string>,
  skip: readonly string[] = [],
): T {
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) if (!skip.includes(key)) record[key] = shared(record[key], table);
  return value;
}

function shared(value: unknown, table: Map<string, string>): unknown {
  if (typeof value === 'string') {
    const seen = table.get(value);
    if (seen !== undefined) return seen;
    table.set(value, value);
    return value;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = shared(value[i], table);
  } else if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) record[key] = shared(record[key], table);
  }
  return value;
}
