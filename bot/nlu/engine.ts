// The NLU engine: normalisation → typo correction → lexical cues → classifier (+ rules) → entities.
import { SoftmaxClassifier, softmaxInPlace } from './classifier';
import { featurize } from './features';
import { FuzzyVocabulary } from './fuzzy';
import { detectLanguage } from './language';
import { loadLexicon, type Lexicon } from './lexicon';
import { prepare, type Prepared } from './prepare';
import { loadTrainingExamples, type TrainingExample } from './training-data';
import { extractEntities } from './entities';
import type { LexicalHits } from './lexical-hits';
import { findReferences } from './entities/reference';
import { warmUpDates } from './entities/dates';
import { isBareYesNo } from './entities/yes-no';
import { expandSms, fold, tokenize } from './normalize';
import {
  type AnalyzeOptions,
  type Entity,
  type FacilityKind,
  type Intent,
  type Nlu,
  type NluResult,
} from './types';

export interface LexicalCues {
  facilities: FacilityKind[];
  /** Something brought to a facility ("déchets verts", "nager"), which names it indirectly. */
  weakFacility: boolean;
  opening: boolean;
  category: boolean;
  problem: boolean;
  reference: boolean;
  libraryRegistration: boolean;
}

export type { LexicalHits };

export function lexicalHits(prepared: Prepared, lexicon: Lexicon): LexicalHits {
  return {
    facilities: lexicon.facilities.find(prepared.keys),
    weakFacilities: lexicon.weakFacilities.find(prepared.keys),
    categories: lexicon.categories.find(prepared.keys),
    references: findReferences(prepared.raw),
  };
}

export function lexicalCues(
  prepared: Prepared,
  lexicon: Lexicon,
  hits: LexicalHits = lexicalHits(prepared, lexicon),
): LexicalCues {
  return {
    facilities: hits.facilities.map((h) => h.value),
    weakFacility: hits.weakFacilities.length > 0,
    opening: prepared.words.some((w) => lexicon.opening.has(w)),
    category: hits.categories.some((h) => h.weight > 1),
    problem: prepared.words.some((w) => lexicon.problem.has(w)),
    reference: hits.references.length > 0,
    libraryRegistration: prepared.words.some((w) => lexicon.libraryRegistration.has(w)),
  };
}

function cueFeatures(c: LexicalCues): string[] {
  const out: string[] = [];
  for (const f of c.facilities) out.push('fac', `fac:${f}`);
  if (c.opening) out.push('open');
  if (c.facilities.length > 0 && c.opening) out.push('fac+open');
  if (c.weakFacility && c.opening) out.push('wfac+open');
  if (c.category) out.push('cat');
  if (c.problem) out.push('prob');
  if (c.category && c.problem) out.push('cat+prob');
  if (c.reference) out.push('ref');
  if (c.libraryRegistration && c.facilities.includes('mediatheque')) out.push('libreg');
  return out;
}

/**
 * The request part of a message: courtesy words ("bonjour", "merci", "svp") removed, or undefined
 * when nothing but courtesy and filler words remain ("bonjour madame", "merci au revoir" stay whole).
 */
export function requestWords(prepared: Prepared, lexicon: Lexicon): string[] | undefined {
  const courtesy = lexicon.courtesy.find(prepared.keys);
  if (courtesy.length === 0) return undefined;
  const drop = new Set<number>();
  for (const h of courtesy) for (let i = h.start; i < h.start + h.length; i++) drop.add(i);
  const rest = prepared.words.filter((_, i) => !drop.has(i));
  return rest.some((w) => !lexicon.stopwords.has(w)) ? rest : undefined;
}

// Rule boosts added to the classifier's scores (log-odds): strong, unambiguous evidence.
const BOOST_REFERENCE = 3;
const BOOST_FACILITY_OPENING = 2;
const BOOST_LIBRARY_CARD = 1.5;

export interface Model {
  lexicon: Lexicon;
  vocabulary: FuzzyVocabulary;
  classifier: SoftmaxClassifier<Intent>;
}

export function buildModel(examples: readonly TrainingExample[] = loadTrainingExamples()): Model {
  const lexicon = loadLexicon();
  const counts = new Map<string, number>();
  const bare = examples.map((e) => prepare(e.text, lexicon));
  for (const p of bare) for (const w of p.words) counts.set(w, (counts.get(w) ?? 0) + 1);
  for (const w of lexicon.words) counts.set(w, (counts.get(w) ?? 0) + 1);
  const vocabulary = new FuzzyVocabulary(counts, lexicon.domainWords);
  // The intents are those the training files name: a service's intent needs no list edited here.
  const intents = [...new Set(examples.map((e) => e.intent))].sort();
  const classifier = new SoftmaxClassifier<Intent>(intents);
  classifier.train(
    examples.map((e, i) => {
      const p = bare[i] ?? prepare(e.text, lexicon);
      return { features: featurize(p.words, cueFeatures(lexicalCues(p, lexicon))), label: e.intent };
    }),
  );
  return { lexicon, vocabulary, classifier };
}

interface Scored {
  intent: Intent;
  confidence: number;
  alternative: { intent: Intent; confidence: number };
}

function score(
  model: Model,
  words: readonly string[],
  cues: LexicalCues,
  coverage: number,
): Scored & { known: number } {
  const { logits, known } = model.classifier.scores(featurize(words, cueFeatures(cues)));
  const bump = (intent: Intent, by: number): void => {
    const i = model.classifier.labels.indexOf(intent);
    if (i >= 0) logits[i] = (logits[i] ?? 0) + by;
  };
  if (cues.reference) bump('request_status', BOOST_REFERENCE);
  if (cues.facilities.length > 0 && cues.opening) bump('opening_hours', BOOST_FACILITY_OPENING);
  if (cues.libraryRegistration && cues.facilities.includes('mediatheque') && !cues.opening) {
    bump('library_registration', BOOST_LIBRARY_CARD);
  }
  softmaxInPlace(logits);
  const ranked = model.classifier.labels
    .map((intent, i) => ({ intent, p: logits[i] ?? 0 }))
    .sort((a, b) => b.p - a.p);
  const top = ranked[0] ?? { intent: 'knowledge' as Intent, p: 0 };
  const second = ranked[1] ?? { intent: 'knowledge' as Intent, p: 0 };
  // Unknown words (noise, another language) lower the confidence: the classifier only saw part of it.
  const factor = Math.min(1, 0.3 + coverage);
  return {
    known,
    intent: top.intent,
    confidence: top.p * factor,
    alternative: { intent: second.intent, confidence: second.p * factor },
  };
}

// A request hidden behind courtesy must be clear to override the small talk: "merci pour l'info"
// stays a goodbye, "bonjour, où en est mon signalement" becomes a follow-up (tuned by cross-validation).
const MIN_REQUEST_CONFIDENCE = 0.8;
const YES_NO_CONFIDENCE = 0.3;
const SMALL_TALK: ReadonlySet<Intent> = new Set(['greeting', 'goodbye']);

export function classify(model: Model, prepared: Prepared, cues: LexicalCues): Scored {
  const coverage = prepared.words.length === 0 ? 0 : prepared.known / prepared.words.length;
  const whole = score(model, prepared.words, cues, coverage);
  if (whole.known === 0) {
    // Nothing the classifier was trained on (a bare number, a name): only the prior would speak.
    return {
      intent: 'knowledge',
      confidence: 0.1,
      alternative: { intent: whole.alternative.intent, confidence: 0.05 },
    };
  }
  if (!SMALL_TALK.has(whole.intent)) return whole;
  // "bonjour, je voudrais les horaires de la piscine": the request wins over the greeting.
  const request = requestWords(prepared, model.lexicon);
  if (!request) return whole;
  const focused = score(model, request, cues, coverage);
  // Only a request the classifier recognises overrides the small talk ("super merci" stays goodbye).
  if (SMALL_TALK.has(focused.intent) || focused.known === 0 || focused.confidence < MIN_REQUEST_CONFIDENCE)
    return whole;
  return focused;
}

const round = (x: number): number => Math.round(x * 1000) / 1000;

/** What a message we cannot read at all gets: the knowledge base, with a confidence that says "unsure". */
function unsure(language: NluResult['language']): NluResult {
  return {
    intent: 'knowledge',
    confidence: 0.05,
    language,
    entities: [],
    alternative: { intent: 'help', confidence: 0.02 },
  };
}

export function analyze(model: Model, text: string, options: AnalyzeOptions): NluResult {
  try {
    return analyzeUnsafe(model, text, options);
  } catch {
    // The NLU must answer whatever it is given; a bug in one extractor must not fail a turn.
    return unsure('fr');
  }
}

function analyzeUnsafe(model: Model, text: string, options: AnalyzeOptions): NluResult {
  const prepared = prepare(text, model.lexicon, model.vocabulary);
  const language = detectLanguage(prepared.raw, prepared.tokens);
  const hits = lexicalHits(prepared, model.lexicon);
  const cues = lexicalCues(prepared, model.lexicon, hits);
  if (prepared.known === 0 && !cues.reference) {
    // Nothing we know (empty, emoji, noise, another script): the knowledge base, unsure. Entities
    // still count ("👍" is a yes, a bare phone number is a phone number).
    const result = unsure(language);
    result.entities = extractEntities(prepared, model.lexicon, hits, options, language, result.intent);
    return result;
  }
  const scored = classify(model, prepared, cues);
  if (isBareYesNo(prepared.words, (w) => model.lexicon.stopwords.has(w) || w === 'merci' || w === 'thanks')) {
    // "oui" / "non" answer a question; the dialogue reads the yes_no entity. Whatever the classifier
    // leans to ("non" looks like cancel), it must not be taken as a new request.
    scored.confidence = Math.min(scored.confidence, YES_NO_CONFIDENCE);
    scored.alternative.confidence = Math.min(scored.alternative.confidence, scored.confidence);
  }
  const entities = extractEntities(prepared, model.lexicon, hits, options, language, scored.intent);
  if (scored.intent !== 'opening_hours' && isBareDate(prepared, entities, model.lexicon)) {
    // "le 25 ?", "demain ?": a follow-up to the previous answer (the dialogue keeps its subject), never a
    // new report or registration ("le 25" reads like a house number to the classifier).
    scored.confidence = Math.min(scored.confidence, YES_NO_CONFIDENCE);
    scored.alternative.confidence = Math.min(scored.alternative.confidence, scored.confidence);
  }
  return {
    intent: scored.intent,
    confidence: round(scored.confidence),
    language,
    entities,
    alternative: { intent: scored.alternative.intent, confidence: round(scored.alternative.confidence) },
  };
}

/** Nothing but a date and small words ("et le 25 ?", "demain ?", "le vingt-cinq décembre"). */
function isBareDate(prepared: Prepared, entities: readonly Entity[], lexicon: Lexicon): boolean {
  const date = entities.find((e) => e.type === 'date');
  if (!date?.text) return false;
  const dateWords = new Set(expandSms(tokenize(fold(date.text)), lexicon.text));
  return prepared.words.every(
    (w) => dateWords.has(w) || lexicon.stopwords.has(w) || w === 'et' || w === 'and',
  );
}

export function createEngine(model: Model = buildModel()): Nlu {
  return { analyze: (text, options) => analyze(model, text, options) };
}

/**
 * chrono-node compiles its patterns lazily: its first French and English parses cost a few hundred
 * milliseconds. Pay that once, off the request path, soon after start (unref'd: never keeps a
 * process alive).
 */
export function scheduleWarmUp(): void {
  const timer: unknown = setTimeout(() => {
    try {
      warmUpDates();
    } catch {
      // best effort
    }
  }, 0);
  // Fake timers (tests) may return something without unref.
  if (timer && typeof timer === 'object' && 'unref' in timer && typeof timer.unref === 'function')
    timer.unref();
}
