// FAQ retrieval: BM25 over each question variant (the best variant counts) plus the answer and tags,
// with typo tolerance on unknown words. Scores are calibrated to 0..1 as "how much of the query's
// information the entry covers", so one threshold works whatever the FAQ size: below it, search returns []
// and the caller offers a human agent instead of a wrong answer.
import type { FaqEntry } from '../territory/schema';
import { FuzzyVocabulary } from './fuzzy';
import { stem, words } from './text';

export interface FaqHit {
  entry: FaqEntry;
  /** 0..1: share of the query's weight matched (1 = every informative word of the query is in the entry). */
  score: number;
}

export interface FaqIndexOptions {
  /** Minimum score returned (default 0.5). */
  threshold?: number;
}

export interface FaqSearchOptions {
  /** Overrides the index threshold for this search (0 keeps every entry within 60 % of the best). */
  threshold?: number;
}

export interface FaqIndex {
  search(query: string, k?: number, options?: FaqSearchOptions): FaqHit[];
  readonly size: number;
}

const K1 = 1.2;
const B = 0.75;
/** Weight of the answer field relative to the best question variant. */
const ANSWER_WEIGHT = 0.35;
/** A typo-corrected word counts a bit less than an exact one. */
const FUZZY_WEIGHT = [1, 0.85, 0.7];
/** Coverage by the union of an entry's variants and tags, relative to a single variant. */
const UNION_WEIGHT = 0.9;
/** Share of a rare word's weight given to a word the FAQ does not know: many are ordinary words ("éboueurs"). */
const UNKNOWN_WEIGHT = 0.7;
export const DEFAULT_FAQ_THRESHOLD = 0.5;
/** Hits below this share of the best score are dropped. */
const RELATIVE_TO_BEST = 0.6;

/** A field collection (question variants, or answers) with its postings. */
class Field {
  readonly postings = new Map<string, number[]>(); // term -> [doc, tf, doc, tf, …]
  readonly lengths: number[] = [];
  private total = 0;
  private readonly scratch = new Map<string, number>();

  add(terms: readonly string[]): number {
    const doc = this.lengths.length;
    const tf = this.scratch;
    tf.clear();
    for (const t of terms) tf.set(t, (tf.get(t) ?? 0) + 1);
    for (const [t, n] of tf) {
      const list = this.postings.get(t);
      if (list) list.push(doc, n);
      else this.postings.set(t, [doc, n]);
    }
    this.lengths.push(terms.length);
    this.total += terms.length;
    return doc;
  }

  get averageLength(): number {
    return this.lengths.length === 0 ? 1 : Math.max(1, this.total / this.lengths.length);
  }
}

export function createFaqIndex(entries: readonly FaqEntry[], options: FaqIndexOptions = {}): FaqIndex {
  const threshold = options.threshold ?? DEFAULT_FAQ_THRESHOLD;
  const questions = new Field();
  const answers = new Field();
  const variantEntry: number[] = [];
  /** Term -> entries whose question variants or tags contain it: a paraphrase may mix words of several variants.
   * Its length is also the document frequency used for IDF: answers mention incidental words ("pièce
   * d'identité") that must not make a topic word look common. */
  const unionPostings = new Map<string, number[]>();
  const answerOnly = new Set<string>();
  const vocabulary = new FuzzyVocabulary();
  const surfaceToTerm = new Map<string, string>();

  const termsOf = (text: string): string[] =>
    words(text).map((w) => {
      let t = surfaceToTerm.get(w);
      if (t === undefined) {
        t = stem(w);
        surfaceToTerm.set(w, t);
        vocabulary.add(w);
      }
      return t;
    });

  entries.forEach((entry, e) => {
    const union = new Set<string>(termsOf(entry.tags.join(' ')));
    for (const q of entry.questions) {
      const ts = termsOf(q);
      for (const t of ts) union.add(t);
      questions.add(ts);
      variantEntry.push(e);
    }
    for (const t of union) {
      const list = unionPostings.get(t);
      if (list) list.push(e);
      else unionPostings.set(t, [e]);
    }
    const answerTerms = termsOf(entry.answer);
    for (const t of answerTerms) answerOnly.add(t);
    answers.add(answerTerms);
  });

  const n = entries.length;
  const idf = (df: number): number => Math.log(1 + (n - df + 0.5) / (df + 0.5));
  const termIdf = (t: string): number => idf(unionPostings.get(t)?.length ?? 0);
  const isKnown = (t: string): boolean => unionPostings.has(t) || answerOnly.has(t);
  const unknownIdf = idf(0);
  // Scratch buffers reused by every search (searches are synchronous).
  const variantScores = new Float64Array(variantEntry.length);
  const unionScores = new Float64Array(n);
  const answerScores = new Float64Array(n);
  const entryScores = new Float64Array(n);
  const touchedMark = new Uint8Array(n);

  /** Query terms with their weight (fuzzy matches weigh less) and the ideal score of the query. */
  function queryTerms(query: string): { terms: Map<string, number>; ideal: number } {
    const weights = new Map<string, number>();
    let ideal = 0;
    const seen = new Set<string>();
    for (const w of words(query)) {
      if (seen.has(w)) continue;
      seen.add(w);
      const t = stem(w);
      if (isKnown(t)) {
        if (!weights.has(t)) ideal += termIdf(t);
        weights.set(t, 1);
        continue;
      }
      // Unknown word: a typo correction counts as the corrected word, a bit less; an unknown word counts in the
      // ideal like a fairly rare word, so a query about something the FAQ lacks scores low.
      const [best] = vocabulary.closest(w);
      const corrected = best ? surfaceToTerm.get(best.word) : undefined;
      if (best && corrected !== undefined) {
        if (!weights.has(corrected)) ideal += termIdf(corrected);
        weights.set(corrected, Math.max(weights.get(corrected) ?? 0, FUZZY_WEIGHT[best.distance] ?? 0));
      } else {
        ideal += UNKNOWN_WEIGHT * unknownIdf;
      }
    }
    return { terms: weights, ideal };
  }

  function bm25(field: Field, term: string, w: number, scores: Float64Array, touched: number[]): void {
    const list = field.postings.get(term);
    if (!list) return;
    const avg = field.averageLength;
    for (let i = 0; i < list.length; i += 2) {
      const doc = list[i] as number;
      const tf = list[i + 1] as number;
      const norm = tf + K1 * (1 - B + (B * (field.lengths[doc] as number)) / avg);
      if (scores[doc] === 0) touched.push(doc);
      scores[doc] = (scores[doc] as number) + (w * tf * (K1 + 1)) / norm;
    }
  }

  function search(query: string, k = 3, searchOptions: FaqSearchOptions = {}): FaqHit[] {
    const { terms: qTerms, ideal } = queryTerms(query);
    if (qTerms.size === 0 || ideal <= 0) return [];
    const touchedVariants: number[] = [];
    const touched: number[] = [];
    const touch = (e: number): void => {
      if (touchedMark[e] === 0) {
        touchedMark[e] = 1;
        touched.push(e);
      }
    };
    const answerTouched: number[] = [];
    for (const [t, weight] of qTerms) {
      const w = weight * termIdf(t);
      bm25(questions, t, w, variantScores, touchedVariants);
      bm25(answers, t, w, answerScores, answerTouched);
      for (const e of unionPostings.get(t) ?? []) {
        touch(e);
        unionScores[e] = (unionScores[e] as number) + w;
      }
    }
    for (const e of answerTouched) touch(e);
    // BM25 can exceed the ideal on very short variants; the cap keeps the scale at 0..1.
    const cap = (s: number): number => Math.min(1, s / ideal);
    for (const v of touchedVariants) {
      const e = variantEntry[v] as number;
      entryScores[e] = Math.max(entryScores[e] as number, cap(variantScores[v] as number));
      variantScores[v] = 0;
    }
    let top = 0;
    for (const e of touched) {
      // Words spread over several variants and tags: slightly less convincing than one variant saying it all.
      const q = Math.max(entryScores[e] as number, UNION_WEIGHT * cap(unionScores[e] as number));
      // The answer adds evidence for the part of the query the questions did not cover.
      const score = q + ANSWER_WEIGHT * (1 - q) * cap(answerScores[e] as number);
      entryScores[e] = score;
      if (score > top) top = score;
    }
    // Runners-up far below the best answer are noise ("carte grise" when asked about "carte d'identité").
    const min = Math.max(searchOptions.threshold ?? threshold, RELATIVE_TO_BEST * top);
    // Top-k by insertion: k is small, and thousands of entries may pass the threshold in a large FAQ.
    const limit = Math.max(0, Math.floor(k));
    const best: number[] = [];
    for (const e of touched) {
      const score = entryScores[e] as number;
      if (limit > 0 && score >= min && score > 0) {
        const worst = best[best.length - 1];
        if (best.length < limit || score > (entryScores[worst as number] as number)) {
          let i = best.length < limit ? best.length : best.length - 1;
          while (i > 0 && (entryScores[best[i - 1] as number] as number) < score) {
            best[i] = best[i - 1] as number;
            i--;
          }
          best[i] = e;
        }
      }
    }
    const hits = best.map((e): FaqHit => ({
      entry: entries[e] as FaqEntry,
      score: entryScores[e] as number,
    }));
    for (const e of touched) {
      entryScores[e] = 0;
      unionScores[e] = 0;
      answerScores[e] = 0;
      touchedMark[e] = 0;
    }
    return hits;
  }

  return { search, size: n };
}
