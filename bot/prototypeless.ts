// Lookup tables keyed by user text ("constructor", "__proto__", "toString" are words a citizen may type):
// without a prototype, a missing key is undefined instead of a built-in function.
export function prototypeless<V>(entries: Record<string, V>): Readonly<Record<string, V>> {
  return Object.freeze(Object.assign(Object.create(null) as Record<string, V>, entries));
}
