// Loads the readable lexicon files (data/lexicon/*.txt) and matches their phrases in a token list.
import path from 'node:path';
import { FACILITIES, INCIDENT_CATEGORIES, type FacilityKind, type IncidentCategory } from './types';
import { expandSms, fold, tokenize, type Lexicons } from './normalize';
import { DATA_DIR, readLines, readSections } from './data-files';

const LEXICON_DIR = path.join(DATA_DIR, 'lexicon');
const file = (name: string): string => path.join(LEXICON_DIR, name);

/** Splits "[value]" / "[value weak]" sections, rejecting values that are not canonical labels. */
function labelledSections<V extends string>(
  name: string,
  labels: readonly V[],
): { value: V; weak: boolean; phrases: string[] }[] {
  const out: { value: V; weak: boolean; phrases: string[] }[] = [];
  for (const [section, phrases] of readSections(file(name))) {
    const [value, modifier] = section.split(/\s+/);
    const label = labels.find((l) => l === value);
    if (!label || (modifier !== undefined && modifier !== 'weak')) {
      throw new Error(
        `${name}: unknown section [${section}] (expected one of ${labels.join(', ')}, optionally "weak")`,
      );
    }
    out.push({ value: label, weak: modifier === 'weak', phrases });
  }
  return out;
}

/** Plural-insensitive matching key: "lampadaires" and "lampadaire" match, "dumped" stays "dumped". */
export function matchKey(word: string): string {
  if (word.endsWith('eaux')) return word.slice(0, -1);
  if (word.length > 3 && (word.endsWith('s') || word.endsWith('x')) && !word.endsWith('ss')) {
    return word.slice(0, -1);
  }
  return word;
}

export interface PhraseHit<V extends string> {
  value: V;
  weight: number;
  /** Token index where the phrase starts, and its length in tokens. */
  start: number;
  length: number;
}

/** Whole-word phrase matcher indexed by first word. */
export class PhraseMatcher<V extends string> {
  private readonly byFirst = new Map<string, { keys: string[]; value: V; weight: number }[]>();

  constructor(private readonly sms: Lexicons) {}

  /** Words of a phrase, normalised like user text (so the vocabulary can include them). */
  words(phrase: string): string[] {
    return expandSms(tokenize(fold(phrase)), this.sms);
  }

  add(phrase: string, value: V, weight: number): void {
    const keys = this.words(phrase).map(matchKey);
    const first = keys[0];
    if (first === undefined) return;
    const list = this.byFirst.get(first) ?? [];
    list.push({ keys, value, weight });
    // Longest phrases first, so "panneau de signalisation" wins over "panneau".
    list.sort((a, b) => b.keys.length - a.keys.length);
    this.byFirst.set(first, list);
  }

  /** Every phrase occurrence (non-overlapping, longest first) in the given match keys. */
  find(keys: readonly string[]): PhraseHit<V>[] {
    const hits: PhraseHit<V>[] = [];
    let i = 0;
    while (i < keys.length) {
      const candidates = this.byFirst.get(keys[i] ?? '');
      let matched = 0;
      if (candidates) {
        for (const c of candidates) {
          if (c.keys.every((k, j) => keys[i + j] === k)) {
            hits.push({ value: c.value, weight: c.weight, start: i, length: c.keys.length });
            matched = c.keys.length;
            break;
          }
        }
      }
      i += matched > 0 ? matched : 1;
    }
    return hits;
  }
}

export interface Lexicon {
  text: Lexicons;
  facilities: PhraseMatcher<FacilityKind>;
  /** Phrases implying a facility only in an opening-hours question. */
  weakFacilities: PhraseMatcher<FacilityKind>;
  categories: PhraseMatcher<IncidentCategory>;
  opening: ReadonlySet<string>;
  problem: ReadonlySet<string>;
  libraryRegistration: ReadonlySet<string>;
  courtesy: PhraseMatcher<'courtesy'>;
  stopwords: ReadonlySet<string>;
  /** Every word the lexicons know, for typo correction. */
  words: string[];
  /** Facility and incident words: typo correction tolerates two edits on them. */
  domainWords: string[];
}

export function loadLexicon(): Lexicon {
  const sms = new Map<string, string[]>();
  for (const line of readLines(file('sms.txt'))) {
    const [key, value] = line.split('=').map((x) => x.trim());
    if (!key || !value) throw new Error(`sms.txt: expected "shorthand = words", got "${line}"`);
    sms.set(fold(key), tokenize(fold(value)));
  }
  const text: Lexicons = { sms, fillers: new Set(readLines(file('fillers.txt')).map(fold)) };
  const words: string[] = [];

  const facilities = new PhraseMatcher<FacilityKind>(text);
  const weakFacilities = new PhraseMatcher<FacilityKind>(text);
  for (const { value, weak, phrases } of labelledSections('facilities.txt', FACILITIES)) {
    const matcher = weak ? weakFacilities : facilities;
    for (const p of phrases) {
      matcher.add(p, value, weak ? 1 : 2);
      words.push(...matcher.words(p));
    }
  }

  const categories = new PhraseMatcher<IncidentCategory>(text);
  for (const { value, weak, phrases } of labelledSections('categories.txt', INCIDENT_CATEGORIES)) {
    for (const p of phrases) {
      categories.add(p, value, weak ? 1 : 2);
      words.push(...categories.words(p));
    }
  }

  const domainWords = [...words];
  // Ordinary words: known to the typo corrector, but no part of the domain.
  for (const line of readLines(file('common-words.txt'))) words.push(...tokenize(fold(line)));
  const cues = readSections(file('cues.txt'));
  const list = (name: string): string[] => {
    const l = cues.get(name);
    if (!l) throw new Error(`cues.txt: missing section [${name}]`);
    return l;
  };
  const courtesy = new PhraseMatcher<'courtesy'>(text);
  for (const p of list('courtesy')) courtesy.add(p, 'courtesy', 1);
  const opening = new Set(list('opening').map(fold));
  const libraryRegistration = new Set(list('library_registration').map(fold));
  const problem = new Set(list('problem').map(fold));
  words.push(...opening, ...libraryRegistration, ...problem);
  for (const replacement of sms.values()) words.push(...replacement);

  return {
    text,
    facilities,
    weakFacilities,
    categories,
    opening,
    problem,
    libraryRegistration,
    courtesy,
    stopwords: new Set(list('stopwords').map(fold)),
    words,
    domainWords,
  };
}
