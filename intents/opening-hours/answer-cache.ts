// Opening-hours answers are pure functions of (territory content, facility, question, minute): an SMS
// burst about the déchetterie asks the same thing hundreds of times a minute, and each evaluation walks
// the opening_hours rules and the holiday calendar (the costliest step of the turn in the bench profile).
// Keyed per loaded territory object, so a hot reload starts a fresh cache.
import type { Territory } from '../../knowledge/territory';

const MAX_ENTRIES_PER_TERRITORY = 5000;
const caches = new WeakMap<Territory, Map<string, string>>();

/** The cached answer for `key` (which must include the minute, the facility, the question and the locale). */
export function cachedAnswer(territory: Territory, key: string, compute: () => string): string {
  let cache = caches.get(territory);
  if (!cache) {
    cache = new Map();
    caches.set(territory, cache);
  }
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const value = compute();
  if (cache.size >= MAX_ENTRIES_PER_TERRITORY) cache.clear();
  cache.set(key, value);
  return value;
}

/** The minute of an instant: answers about "now" ("jusqu'à 12 h") stay true within it. */
export const minuteOf = (instant: Date): number => Math.floor(instant.getTime() / 60_000);
