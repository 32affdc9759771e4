// A facility's or a commune's names (its name and aliases), folded once per territory object. Matching them
// against a citizen's message folded every name of the territory on every turn: a few kilobytes of garbage and
// the matching's main cost (allocation profile of the SMS bench, BENCHMARKS.md). The folded names live as long
// as the territory's objects (a hot reload or the platform's cache replaces those objects, and these with them).
import { fold } from '../retrieval/text';
export { hasWords } from '../../bot/words';

const folded = new WeakMap<object, readonly string[]>();

/** The name and the aliases, folded (lowercase, no accents, words separated by one space). */
export function foldedNames(named: { name: string; aliases: readonly string[] }): readonly string[] {
  let names = folded.get(named);
  if (!names) {
    names = [named.name, ...named.aliases].map(fold);
    folded.set(named, names);
  }
  return names;
}
