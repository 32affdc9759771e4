// A facility's or a commune's names (its name and aliases), folded once per territory object. Matching them
// against a citizen's message folded every name of the territory on every turn: a few kilobytes of garbage and
// the matching's main cost (allocation profile of the SMS bench, BENCHMARKS.md). The folded names live as long
// as the territory's objects (a hot reload or the platform's cache replaces those objects, and these with them).
import { memoOn } from '../../bot/memo-on';
import { fold } from '../retrieval/text';
export { hasWords } from '../../bot/words';

const FOLDED = Symbol('folded names');

/** The name and the aliases, folded (lowercase, no accents, words separated by one space). */
export function foldedNames(named: { name: string; aliases: readonly string[] }): readonly string[] {
  // On the object (bot/memo-on.ts): on a platform, 60,000 facilities and 35,000 communes.
  return memoOn(named, FOLDED, (n) => [n.name, ...n.aliases].map(fold));
}
