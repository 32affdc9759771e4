// Opening-hours answers are pure functions of (territory content, facility, question, minute): an SMS
// burst about the déchetterie asks the same thing hundreds of times a minute, and each evaluation walks
// the opening_hours rules and the holiday calendar (the costliest step of the turn in the bench profile).
// Kept on the loaded territory object (bot/memo-on.ts), so a hot reload starts a fresh cache.
import { memoOn } from '../../bot/memo-on';
import type { Territory } from '../../knowledge/territory';

const MAX_ENTRIES_PER_TERRITORY = 5000;

/**
 * Only the current minute's answers are kept: an answer about "now" ("jusqu'à 12 h") is true within its minute
 * and never asked for again after it. A platform keeps thousands of territories parsed for days; answers of
 * past minutes kept until a territory's 5,000th would have held gigabytes.
 */
interface MinuteAnswers {
  minute: number;
  answers: Map<string, string>;
}
const ANSWERS = Symbol('opening-hours answers');

/** The cached answer for `key` (the facility, the question and the locale) at the minute of `now`. */
export function cachedAnswer(territory: Territory, now: Date, key: string, compute: () => string): string {
  const minute = minuteOf(now);
  const cache = memoOn<Territory, MinuteAnswers>(territory, ANSWERS, () => ({ minute, answers: new Map() }));
  if (cache.minute !== minute) {
    cache.minute = minute;
    cache.answers = new Map();
  }
  const hit = cache.answers.get(key);
  if (hit !== undefined) return hit;
  const value = compute();
  if (cache.answers.size >= MAX_ENTRIES_PER_TERRITORY) cache.answers.clear();
  cache.answers.set(key, value);
  return value;
}

/** The minute of an instant: answers about "now" ("jusqu'à 12 h") stay true within it. */
const minuteOf = (instant: Date): number => Math.floor(instant.getTime() / 60_000);
