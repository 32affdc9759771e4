// A value derived from an object, kept on the object itself under a hidden property (a symbol, not enumerable)
// rather than in a WeakMap keyed by it. Both live exactly as long as the object (a hot reload or the platform's
// cache replaces a territory's objects, and what was derived from them goes with them), but V8 walks every
// WeakMap entry (an ephemeron) again in the final pause of each full collection: on a platform of 2,000
// territories, derived names, profiles, indexes and answer caches made that walk ~13 of the pause's 27 ms
// (`--trace-gc-nvp`, BENCHMARKS.md). The object's keys, JSON, copies and comparisons are unchanged.

/** `compute(object)` once per object; again at each call for a frozen object, which cannot hold it. */
export function memoOn<O extends object, V>(object: O, key: symbol, compute: (object: O) => V): V {
  const known = (object as { [k: symbol]: V | undefined })[key];
  if (known !== undefined) return known;
  const value = compute(object);
  if (Object.isExtensible(object)) Object.defineProperty(object, key, { value });
  return value;
}
