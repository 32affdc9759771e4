// Typo tolerance: candidate words sharing trigrams with the query word, confirmed by an edit distance
// (adjacent transpositions count as one edit: "inscirption").

/** Optimal-string-alignment distance, or `max + 1` as soon as it must exceed `max`. */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const n = b.length;
  let prev2 = new Array<number>(n + 1).fill(0);
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  let cur = new Array<number>(n + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = i;
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min((prev[j] as number) + 1, (cur[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, (prev2[j - 2] as number) + 1);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[n] as number;
}

/** Edits tolerated for a word of this length: none under 4 letters (too ambiguous), 2 from 7 letters. */
export const maxEdits = (length: number): number => (length < 4 ? 0 : length < 7 ? 1 : 2);

const trigrams = (word: string): string[] => {
  const padded = `^${word}$`;
  const out: string[] = [];
  for (let i = 0; i + 3 <= padded.length; i++) out.push(padded.slice(i, i + 3));
  return out;
};

export class FuzzyVocabulary {
  private readonly words: string[] = [];
  private readonly known = new Set<string>();
  private readonly byTrigram = new Map<string, number[]>();
  private counts = new Int32Array(0);

  add(word: string): void {
    // Numbers and codes are not corrected: a "typo" there is another valid code.
    if (this.known.has(word) || maxEdits(word.length) === 0 || /\d/.test(word)) return;
    this.known.add(word);
    const id = this.words.push(word) - 1;
    for (const g of new Set(trigrams(word))) {
      const list = this.byTrigram.get(g);
      if (list) list.push(id);
      else this.byTrigram.set(g, [id]);
    }
  }

  /** Known words within the tolerated distance of `word`, closest first. */
  closest(word: string): { word: string; distance: number }[] {
    const max = maxEdits(word.length);
    if (max === 0) return [];
    const grams = [...new Set(trigrams(word))];
    // Each edit destroys at most 3 trigrams: fewer shared trigrams than that cannot be within `max`.
    const needed = Math.max(1, grams.length - 3 * max);
    if (this.counts.length < this.words.length) this.counts = new Int32Array(this.words.length * 2);
    const counts = this.counts;
    const touched: number[] = [];
    for (const g of grams)
      for (const id of this.byTrigram.get(g) ?? []) {
        if (counts[id] === 0) touched.push(id);
        counts[id] = (counts[id] as number) + 1;
      }
    const out: { word: string; distance: number }[] = [];
    for (const id of touched) {
      const count = counts[id] as number;
      counts[id] = 0;
      if (count < needed) continue;
      const candidate = this.words[id] as string;
      const distance = editDistance(word, candidate, max);
      if (distance <= max) out.push({ word: candidate, distance });
    }
    return out.sort((a, b) => a.distance - b.distance || a.word.localeCompare(b.word));
  }
}
