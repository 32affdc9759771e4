// Turns normalised words (+ cue flags) into the sparse features of the classifier: stems, 5-letter
// prefixes (so "inscription", "inscrire", "inscrit" meet), stem bigrams and cue flags. Measured by
// cross-validation on the training files (`npm run nlu:eval -- --cv 5`): character 4-grams added
// nothing once typos are corrected against the vocabulary, and doubled the training time.
import { stem } from './stem';

export function featurize(words: readonly string[], cues: readonly string[]): string[] {
  const out: string[] = [];
  const stems = words.map(stem);
  for (let i = 0; i < words.length; i++) {
    const w = words[i] ?? '';
    const s = stems[i] ?? '';
    out.push(`w:${s}`);
    if (w.length >= 6) out.push(`p:${w.slice(0, 5)}`);
    const next = stems[i + 1];
    if (next !== undefined) out.push(`b:${s}_${next}`);
  }
  for (const c of cues) out.push(`k:${c}`);
  if (words.length === 0) out.push('empty');
  return out;
}
