// Small, channel-level understanding of phone answers: a keypad digit or a spoken choice ("horaires",
// "le deuxième"), oui/non for the channel's own questions, and what counts as unintelligible.
import { spokenFormOf, type VoiceChoice } from '../render/voice';
import { prototypeless } from '../../bot/prototypeless';

const fold = (s: string): string =>
  s
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[’']/g, ' ')
    .replace(/[^\p{L}\p{N} ]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();

const ORDINALS = prototypeless<number>({
  '1': 1,
  un: 1,
  une: 1,
  premier: 1,
  premiere: 1,
  one: 1,
  first: 1,
  '2': 2,
  deux: 2,
  deuxieme: 2,
  second: 2,
  seconde: 2,
  two: 2,
  '3': 3,
  trois: 3,
  troisieme: 3,
  three: 3,
  third: 3,
  '4': 4,
  quatre: 4,
  quatrieme: 4,
  four: 4,
  fourth: 4,
  '5': 5,
  cinq: 5,
  cinquieme: 5,
  five: 5,
  fifth: 5,
  '6': 6,
  six: 6,
  sixieme: 6,
  '7': 7,
  sept: 7,
  septieme: 7,
  '8': 8,
  huit: 8,
  huitieme: 8,
  '9': 9,
  neuf: 9,
  neuvieme: 9,
});
const FILLERS = new Set([
  'le',
  'la',
  'l',
  'numero',
  'choix',
  'option',
  'touche',
  'c',
  'est',
  'the',
  'number',
  'je',
  'veux',
  'tape',
  'taper',
]);

/** "2", "deux", "le deuxième", "numéro 2" → 2. */
export function spokenNumber(speech: string): number | undefined {
  const words = fold(speech)
    .split(' ')
    .filter((w) => w && !FILLERS.has(w));
  if (words.length !== 1) return undefined;
  return ORDINALS[words[0]!];
}

const MAX_WORDS_FOR_PARTIAL = 4;
const ARTICLES = new Set([
  'le',
  'la',
  'les',
  'l',
  'un',
  'une',
  'des',
  'du',
  'de',
  'd',
  'au',
  'aux',
  'a',
  'the',
]);

/** The choice a caller said, by number or by (part of) its label; undefined when unclear or ambiguous. */
export function matchSpokenChoice(speech: string, choices: readonly VoiceChoice[]): VoiceChoice | undefined {
  if (choices.length === 0) return undefined;
  const n = spokenNumber(speech);
  if (n !== undefined) return choices[n - 1];
  const said = fold(speech);
  if (said.length < 3) return undefined;
  const exact = choices.filter((c) =>
    [c.label, spokenFormOf(c)].some((l) => l !== undefined && fold(l) === said),
  );
  if (exact.length === 1) return exact[0];
  // "horaires" for "les horaires d'ouverture", or a short answer containing the spoken keyword; a real
  // sentence ("quels sont les horaires de la mairie") is left to the engine, which understands more.
  if (said.split(' ').length > MAX_WORDS_FOR_PARTIAL) return undefined;
  // "la déchetterie" for "Déchetterie intercommunale des Prés-Bas": articles do not count.
  const core = said
    .split(' ')
    .filter((w) => !ARTICLES.has(w))
    .join(' ');
  const partial = choices.filter((c) => {
    const keys = [spokenFormOf(c), c.label].filter((l): l is string => !!l).map(fold);
    return keys.some((k) => (core.length >= 5 && k.includes(core)) || (k.length >= 5 && said.includes(k)));
  });
  return partial.length === 1 ? partial[0] : undefined;
}

const YES =
  /^(oui|ouais|ouai|exact|exactement|c est (bien )?ca|c est exact|c est correct|tout a fait|absolument|d accord|ok|okay|bien sur|yes|yeah|correct|affirmatif|volontiers)\b/;
const NO =
  /^(non|nan|pas du tout|pas ca|ce n est pas (ca|ca)|c est faux|faux|incorrect|no|nope|surtout pas|non merci)\b/;

/** Keypad 1 = yes, 2 = no; or spoken oui / non. */
export function yesNo(digits: string | undefined, speech: string | undefined): 'yes' | 'no' | undefined {
  if (digits === '1') return 'yes';
  if (digits === '2') return 'no';
  if (!speech) return undefined;
  const said = fold(speech);
  if (NO.test(said)) return 'no';
  if (YES.test(said)) return 'yes';
  const n = spokenNumber(speech);
  return n === 1 ? 'yes' : n === 2 ? 'no' : undefined;
}

/** Below this recognition confidence an answer is treated as not understood at all. */
export const UNINTELLIGIBLE_CONFIDENCE = 0.2;
/** Below this, an answer to a critical question (an address, a name) is read back for confirmation. */
export const CONFIRM_CONFIDENCE = 0.5;

/** Some speech models report no confidence, or 0: that means "unknown", not "not understood". */
const knownConfidence = (confidence: number | undefined): number | undefined =>
  confidence === undefined || confidence === 0 ? undefined : confidence;

export function isUnintelligible(speech: string, confidence: number | undefined): boolean {
  const letters = fold(speech).replace(/ /g, '');
  const c = knownConfidence(confidence);
  return letters.length === 0 || (c !== undefined && c < UNINTELLIGIBLE_CONFIDENCE);
}

/** A critical answer is read back unless recognition was confident (an unknown confidence is not). */
export function needsReadBack(confidence: number | undefined): boolean {
  const c = knownConfidence(confidence);
  return c === undefined || c < CONFIRM_CONFIDENCE;
}

/** Questions whose answer must be right: read back when the recognition was unsure. */
const CRITICAL_SLOT = /(addr|adresse|location|lieu|street|rue|name|nom|email|phone|telephone|contact)/i;
const CRITICAL_PROMPT = /\b(adresse|address|votre nom|your name|nom de famille|rue|street)\b/i;

export function isCriticalQuestion(pendingSlot: string | null | undefined, prompt: string): boolean {
  return (!!pendingSlot && CRITICAL_SLOT.test(pendingSlot)) || CRITICAL_PROMPT.test(prompt);
}
