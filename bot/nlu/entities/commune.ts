// Commune names from the territory vocabulary ("Saint-Jean", "st jean" → its id).
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

/** Longest commune name found as a whole-word sequence in the text. */
export function findCommune(text: string, communes: Communes | undefined): CommuneHit | undefined {
  if (!communes || communes.length === 0) return undefined;
  const words = normalise(text);
  const joined = ` ${words.join(' ')} `;
  let best: CommuneHit | undefined;
  let bestLength = 0;
  for (const c of communes) {
    for (const name of c.names) {
      const key = normalise(name).join(' ');
      if (key.length > bestLength && key.length > 0 && joined.includes(` ${key} `)) {
        best = { id: c.id, name };
        bestLength = key.length;
      }
    }
  }
  return best;
}
