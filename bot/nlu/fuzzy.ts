// Typo correction against the known vocabulary (training sentences + lexicons), with a
// symmetric-delete index (SymSpell's idea): every vocabulary word and its one-character deletions
// point back to the word, so a lookup costs a handful of map reads instead of a scan.

/** Optimal string alignment distance (Levenshtein + adjacent transposition), capped at max + 1. */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const n = b.length;
  let prev2: number[] = [];
  let prev: number[] = Array.from({ length: n + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur: number[] = [i];
    let rowMin = i;
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        v = Math.min(v, (prev2[j - 2] ?? 0) + 1);
      }
      cur.push(v);
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    prev2 = prev;
    prev = cur;
  }
  return prev[n] ?? max + 1;
}

function deletes(word: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < word.length; i++) out.push(word.slice(0, i) + word.slice(i + 1));
  return out;
}

/** Allowed edits for a token of this length: none for short words, where a typo is a different word. */
export function maxEdits(length: number): number {
  if (length < 4) return 0;
  if (length < 8) return 1;
  return 2;
}

/** Training words this rare are checked against the domain keywords anyway. */
const RARE = 2;
/** Added to a domain keyword's frequency when ranking candidates at the same distance. */
const DOMAIN_BONUS = 1_000_000;

export class FuzzyVocabulary {
  // Most keys point to a single word: store it bare, an array only when shared (far fewer objects).
  private readonly index = new Map<string, string | string[]>();
  private readonly frequency = new Map<string, number>();
  private readonly domain = new Set<string>();

  /**
   * @param words vocabulary with counts (more frequent wins a tie)
   * @param deep words also indexed with two deletions: the domain keywords (facilities, incident
   *   vocabulary), where a two-letter typo ("lampadère", "dechetrie") is still worth catching
   */
  constructor(words: Iterable<[string, number]>, deep: Iterable<string> = []) {
    for (const [word, count] of words) {
      if (!/^[a-z]+$/.test(word)) continue;
      this.frequency.set(word, (this.frequency.get(word) ?? 0) + count);
    }
    for (const word of this.frequency.keys()) {
      if (word.length < 4) continue;
      this.add(word, word);
      for (const d of deletes(word)) this.add(d, word);
    }
    for (const word of deep) {
      if (!this.frequency.has(word)) continue;
      this.domain.add(word);
      // Two edits are only allowed on tokens of 8+ letters (maxEdits): deep entries for short
      // keywords would mostly serve typos that cannot use them.
      if (word.length < 7) continue;
      for (const d1 of deletes(word)) for (const d2 of deletes(d1)) this.add(d2, word);
    }
  }

  has(word: string): boolean {
    return this.frequency.has(word);
  }

  get size(): number {
    return this.frequency.size;
  }

  /**
   * The word a token most likely stands for, or undefined to keep it. Unknown tokens are matched
   * against the whole vocabulary; a word seen at most twice in the training files (often one of their
   * deliberate typos, "lampadere") is still matched against the domain keywords.
   */
  correct(token: string): string | undefined {
    if (!/^[a-z]+$/.test(token) || this.domain.has(token)) return undefined;
    const frequency = this.frequency.get(token) ?? 0;
    if (frequency === 0) return this.closest(token, false);
    if (frequency <= RARE && token.length >= 6) return this.closest(token, true);
    return undefined;
  }

  private closest(token: string, domainOnly: boolean): string | undefined {
    const max = maxEdits(token.length);
    if (max === 0) return undefined;
    const probes = new Set<string>([token]);
    for (const d of deletes(token)) {
      probes.add(d);
      if (max >= 2) for (const d2 of deletes(d)) probes.add(d2);
    }
    let best: string | undefined;
    let bestDistance = max + 1;
    let bestFrequency = -1;
    for (const probe of probes) {
      const entry = this.index.get(probe);
      if (entry === undefined) continue;
      for (const candidate of typeof entry === 'string' ? [entry] : entry) {
        if (candidate === token || (domainOnly && !this.domain.has(candidate))) continue;
        const dist = editDistance(token, candidate, max);
        if (dist > max) continue;
        // A domain keyword wins a tie ("poul" → "poule", not "pour"): it is what the message is about.
        const freq = (this.frequency.get(candidate) ?? 0) + (this.domain.has(candidate) ? DOMAIN_BONUS : 0);
        // Closest first, then most frequent, then alphabetical: deterministic.
        if (
          dist < bestDistance ||
          (dist === bestDistance && freq > bestFrequency) ||
          (dist === bestDistance && freq === bestFrequency && best !== undefined && candidate < best)
        ) {
          best = candidate;
          bestDistance = dist;
          bestFrequency = freq;
        }
      }
    }
    return best;
  }

  private add(key: string, word: string): void {
    const entry = this.index.get(key);
    if (entry === undefined) this.index.set(key, word);
    else if (typeof entry === 'string') {
      if (entry !== word) this.index.set(key, [entry, word]);
    } else if (!entry.includes(word)) entry.push(word);
  }
}
