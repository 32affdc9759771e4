// Near-duplicate sentences: two sentences whose normalised word sets overlap this much say the same thing
// in the same words ("inscription école maternelle" / "école maternelle inscription"). An evaluation
// sentence that near-duplicates a training sentence measures memory, not understanding.
import { sentenceKey } from './normalize';

/** Word-set Jaccard similarity at or above which two sentences count as the same sentence. */
export const NEAR_DUPLICATE_SIMILARITY = 0.6;

/** The words of a sentence, lowercased, without accents, punctuation or elisions (as sentenceKey). */
export function wordSet(text: string): Set<string> {
  return new Set(sentenceKey(text).split(' ').filter(Boolean));
}

/** |A ∩ B| / |A ∪ B| of the two sentences' word sets (1 = same words, in any order). */
export function wordSimilarity(a: string, b: string): number {
  const x = wordSet(a);
  const y = wordSet(b);
  if (x.size === 0 && y.size === 0) return 1;
  let common = 0;
  for (const w of x) if (y.has(w)) common += 1;
  return common / (x.size + y.size - common);
}

export interface NearDuplicate {
  sentence: string;
  match: string;
  similarity: number;
}

/** Each sentence of `sentences` with its closest sentence of `corpus`, when they are near-duplicates. */
export function nearDuplicates(
  sentences: readonly string[],
  corpus: readonly string[],
  threshold = NEAR_DUPLICATE_SIMILARITY,
): NearDuplicate[] {
  const out: NearDuplicate[] = [];
  for (const sentence of sentences) {
    let best: NearDuplicate | undefined;
    for (const match of corpus) {
      const similarity = wordSimilarity(sentence, match);
      if (similarity >= threshold && (!best || similarity > best.similarity))
        best = { sentence, match, similarity };
    }
    if (best) out.push(best);
  }
  return out;
}
