// Commune names from the territory vocabulary ("Saint-Jean", "st jean" → its id).
import { memoOn } from '../../memo-on';
import { hasWords } from '../../words';
import type { AnalyzeOptions } from '../types';

type Communes = NonNullable<NonNullable<AnalyzeOptions['vocabulary']>['communes']>;

const normalise = (s: string): string[] =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/\bst\b/g, 'saint')
    .replace(/\bste\b/g, 'sainte')
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);

export interface CommuneHit {
  id: string;
  name: string;
}

/** Each name's words, normalised once per vocabulary (the tenant's, built once per territory), not per message. */
const KEYS = Symbol('commune keys');
function keys(communes: Communes): { id: string; name: string; key: string }[] {
  return memoOn(communes, KEYS, (list) =>
    list.flatMap((c) => c.names.map((name) => ({ id: c.id, name, key: normalise(name).join(' ') }))),
  );
}

/** Longest commune name found as a whole-word sequence in the text. */
export function findCommune(text: string, communes: Communes | undefined): CommuneHit | undefined {
  if (!communes || communes.length === 0) return undefined;
  const words = normalise(text);
  const joined = ` ${words.join(' ')} `;
  let best: CommuneHit | undefined;
  let bestLength = 0;
  for (const { id, name, key } of keys(communes)) {
    if (key.length > bestLength && key.length > 0 && hasWords(joined, key)) {
      best = { id, name };
      bestLength = key.length;
    }
  }
  return best;
}
