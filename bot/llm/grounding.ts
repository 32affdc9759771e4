// Checks on generated text before a citizen sees it. Opening hours, prices, references and phone
// numbers come from structured data: a generated answer that states one the passages do not contain is
// rejected (the caller then uses the non-LLM answer). Length is fitted to the channel by our code.
import { referencesInText } from '../references';
import { channelCapabilities, type AnswerLimit } from '../channel-capabilities';
import type { Channel } from '../messages';

export const FACT_KINDS = ['time', 'weekday', 'price', 'reference', 'phone', 'email'] as const;
export type FactKind = (typeof FACT_KINDS)[number];

export interface Fact {
  kind: FactKind;
  /** Canonical form, comparable across languages and spellings ("09:30", "price:12.50", "0381000000"). */
  value: string;
}

const pad = (n: number): string => String(n).padStart(2, '0');

const TIME_H = /\b([01]?\d|2[0-3])\s?h(?:eures?)?\s?([0-5]\d)?(?![\p{L}\d])/giu;
const TIME_COLON = /\b([01]?\d|2[0-3]):([0-5]\d)\b/giu;
const TIME_AMPM = /\b(1[0-2]|0?[1-9])(?:[:.]([0-5]\d))?\s?([ap])\.?m\b\.?/giu;
const TIME_WORDS: [RegExp, string][] = [
  [/\bmidi\b|\bnoon\b/giu, '12:00'],
  [/\bminuit\b|\bmidnight\b/giu, '00:00'],
];
const WEEKDAYS: [RegExp, string][] = [
  [/\blundis?\b|\bmondays?\b/giu, 'mon'],
  [/\bmardis?\b|\btuesdays?\b/giu, 'tue'],
  [/\bmercredis?\b|\bwednesdays?\b/giu, 'wed'],
  [/\bjeudis?\b|\bthursdays?\b/giu, 'thu'],
  [/\bvendredis?\b|\bfridays?\b/giu, 'fri'],
  [/\bsamedis?\b|\bsaturdays?\b/giu, 'sat'],
  [/\bdimanches?\b|\bsundays?\b/giu, 'sun'],
];
const PRICE_AFTER = /(\d+(?:[.,]\d{1,2})?)\s?(?:€|euros?\b|eur\b)/giu;
const PRICE_BEFORE = /€\s?(\d+(?:[.,]\d{1,2})?)/giu;
/** "Free" is a price too ("la piscine est gratuite"). */
const FREE = /\bgratuit(?:e|s|es|ement)?\b|\bfree(?:\s+of\s+charge)?\b|\bsans\s+frais\b|\bno\s+charge\b/giu;
const REFERENCE = referencesInText();
const PHONE = /(?:(?:\+|00)33\s?(?:\(0\)\s?)?|\b0)[1-9](?:[\s.-]?\d{2}){4}\b|\+\d{1,3}(?:[\s.-]?\d){7,13}\b/g;
const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+/gu;
export const URL_PATTERN = /\b(?:https?:\/\/|www\.)[^\s<>"')\]]+/giu;

const money = (raw: string): string => `price:${Number(raw.replace(',', '.')).toFixed(2)}`;
const phoneDigits = (raw: string): string => {
  const digits = raw.replace(/\D/g, '');
  if (digits.startsWith('0033')) return `0${digits.slice(4)}`;
  if (raw.trim().startsWith('+33')) return `0${digits.slice(2)}`;
  return digits;
};

/** Every hour, weekday, price, reference, phone number and email address stated in `text`. */
export function factsIn(text: string): Fact[] {
  const facts: Fact[] = [];
  const add = (kind: FactKind, value: string): void => {
    facts.push({ kind, value });
  };
  // Phones and emails first, then blanked, so their digits are not read as hours or prices.
  let rest = text.replace(EMAIL, (m) => {
    add('email', m.toLowerCase());
    return ' ';
  });
  rest = rest.replace(URL_PATTERN, ' ');
  rest = rest.replace(REFERENCE, (m) => {
    add('reference', m.toUpperCase());
    return ' ';
  });
  rest = rest.replace(PHONE, (m) => {
    add('phone', phoneDigits(m));
    return ' ';
  });
  rest = rest.replace(PRICE_AFTER, (_m, n: string) => {
    add('price', money(n));
    return ' ';
  });
  rest = rest.replace(PRICE_BEFORE, (_m, n: string) => {
    add('price', money(n));
    return ' ';
  });
  for (const _ of rest.matchAll(FREE)) add('price', 'free');
  rest = rest.replace(TIME_AMPM, (_m, h: string, min: string | undefined, ap: string) => {
    const hour = (Number(h) % 12) + (ap.toLowerCase() === 'p' ? 12 : 0);
    add('time', `${pad(hour)}:${pad(Number(min ?? 0))}`);
    return ' ';
  });
  rest = rest.replace(TIME_COLON, (_m, h: string, min: string) => {
    add('time', `${pad(Number(h))}:${min}`);
    return ' ';
  });
  rest = rest.replace(TIME_H, (_m, h: string, min: string | undefined) => {
    add('time', `${pad(Number(h))}:${pad(Number(min ?? 0))}`);
    return ' ';
  });
  for (const [pattern, value] of TIME_WORDS) for (const _ of rest.matchAll(pattern)) add('time', value);
  for (const [pattern, value] of WEEKDAYS) for (const _ of rest.matchAll(pattern)) add('weekday', value);
  return facts;
}

/** Facts of `answer` that none of the `sources` states (empty: the answer invents none). */
export function unsupportedFacts(answer: string, sources: readonly string[]): Fact[] {
  const known = new Set(sources.flatMap(factsIn).map((f) => `${f.kind}|${f.value}`));
  const seen = new Set<string>();
  return factsIn(answer).filter((f) => {
    const key = `${f.kind}|${f.value}`;
    if (known.has(key) || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** True when the answer repeats a sentence of the instructions (a prompt-injection "reveal your rules"). */
export function leaksInstructions(answer: string, system: string): boolean {
  const norm = (s: string): string => s.toLowerCase().replace(/\s+/g, ' ');
  const text = norm(answer);
  return system
    .split(/[\n.!?]+/)
    .map((s) => norm(s).trim())
    .filter((s) => s.length >= 30)
    .some((s) => text.includes(s));
}

/** Removes links and markup: sources are appended by our code, never taken from the model. */
export function cleanGeneratedText(text: string): string {
  return text
    .replace(URL_PATTERN, (url) => /[.,;:!?]+$/.exec(url)?.[0] ?? '')
    .replace(/\[([^\]]*)\]\(\s*\)/g, '$1')
    .replace(/[*_`#>]+/g, '')
    .replace(/[ \t]+/g, ' ')
    .replace(/\s*\n\s*/g, ' ')
    .replace(/\s+([.,])/g, '$1')
    .trim();
}

export type { AnswerLimit };

/** Each channel declares its answer length (bot/channel-capabilities.ts): SMS ≈ 450 characters, voice ≈ 40 words. */
export function answerLimitFor(channel: Channel): AnswerLimit {
  return channelCapabilities(channel).answerLimit;
}

const measure = (text: string, limit: AnswerLimit): number =>
  limit.unit === 'chars' ? [...text].length : text.split(/\s+/).filter(Boolean).length;

/** The longest run of whole sentences within the limit; undefined when not even the first sentence fits. */
export function fitToLimit(text: string, limit: AnswerLimit): string | undefined {
  if (measure(text, limit) <= limit.max) return text;
  const sentences = text.match(/[^.!?…]+(?:[.!?…]+|$)\s*/g) ?? [text];
  let out = '';
  for (const sentence of sentences) {
    const next = out + sentence;
    if (measure(next.trim(), limit) > limit.max) break;
    out = next;
  }
  return out.trim() || undefined;
}
