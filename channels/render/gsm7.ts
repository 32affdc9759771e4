// SMS encoding arithmetic (3GPP TS 23.038, "GSM 03.38"). A message that only uses the GSM-7 default
// alphabet (plus its extension table, whose characters cost two septets) is sent in 160-septet
// segments (153 per part when concatenated); a single other character switches the whole message to
// UCS-2: 70 UTF-16 units (67 per part). Operators bill per segment, hence the care.

/** The GSM 03.38 default alphabet, in table order (0x1B, the escape to the extension table, excluded). */
const BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
/** Extension table: each costs an escape septet plus its own. */
const EXTENSION = '^{}\\[~]|€\f';

/**
 * Septets per UTF-16 code unit: 1 in the default alphabet, 2 in the extension table, 0 for any other (a
 * surrogate too: no GSM character lies outside the BMP). A table, not Sets of one-character strings: the SMS
 * renderer measures every candidate page of every answer, and string iteration with two Set lookups per
 * character was the renderer's main cost (BENCHMARKS.md).
 */
const SEPTETS = new Uint8Array(0x10000);
for (const ch of BASIC) SEPTETS[ch.charCodeAt(0)] = 1;
for (const ch of EXTENSION) SEPTETS[ch.charCodeAt(0)] = 2;

export type SmsEncoding = 'GSM-7' | 'UCS-2';

export const GSM7_SINGLE = 160;
export const GSM7_PART = 153;
export const UCS2_SINGLE = 70;
export const UCS2_PART = 67;
/** Twilio refuses bodies longer than this (and recommends staying under 320). */
export const MAX_SMS_CHARS = 1600;

export const isGsm7Char = (ch: string): boolean => ch.length === 1 && SEPTETS[ch.charCodeAt(0)] !== 0;
export function isGsm7(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (SEPTETS[text.charCodeAt(i)] === 0) return false;
  return true;
}

/** Whether a UCS-2 character starts at `i` as a surrogate pair (2 units never cut across parts). */
const pairAt = (text: string, i: number): boolean => {
  const unit = text.charCodeAt(i);
  if (unit < 0xd800 || unit > 0xdbff) return false;
  const next = text.charCodeAt(i + 1);
  return next >= 0xdc00 && next <= 0xdfff;
};

/** The characters that force UCS-2, in order of appearance (deduplicated): useful in logs and tests. */
export const nonGsm7Chars = (text: string): string[] => [...new Set([...text].filter((c) => !isGsm7Char(c)))];

export interface SegmentInfo {
  encoding: SmsEncoding;
  /** Septets (GSM-7) or UTF-16 code units (UCS-2). */
  units: number;
  segments: number;
}

/**
 * Segments as a handset splits them: an escaped GSM character (2 septets) and a UTF-16 surrogate pair
 * are never cut across two parts, so a part may carry one unit less than its nominal size.
 */
export function smsSegments(text: string): SegmentInfo {
  if (text.length === 0) return { encoding: 'GSM-7', units: 0, segments: 0 };
  const { gsm, septets } = sizeOf(text);
  const units = gsm ? septets : text.length; // UCS-2: UTF-16 code units
  const single = gsm ? GSM7_SINGLE : UCS2_SINGLE;
  if (units <= single) return { encoding: gsm ? 'GSM-7' : 'UCS-2', units, segments: 1 };
  const part = gsm ? GSM7_PART : UCS2_PART;
  let segments = 1;
  let used = 0;
  for (let i = 0; i < text.length; i++) {
    let c = 1;
    if (gsm) c = SEPTETS[text.charCodeAt(i)]!;
    else if (pairAt(text, i)) {
      c = 2;
      i++;
    }
    if (used + c > part) {
      segments += 1;
      used = 0;
    }
    used += c;
  }
  return { encoding: gsm ? 'GSM-7' : 'UCS-2', units, segments };
}

/** True when `text` needs at most `budget` segments and 1,600 characters. */
export function fitsSegments(text: string, budget: number): boolean {
  return sizeFits(sizeOf(text), budget, () => text);
}

/**
 * What decides a text's segments, up to where the parts' boundaries fall: additive over concatenation
 * (joinSizes), so a pager measures each line once instead of every candidate page again.
 */
export interface SmsSize {
  /** UTF-16 code units. */
  chars: number;
  /** Septets of its GSM-7 characters. */
  septets: number;
  /** Only GSM-7 characters. */
  gsm: boolean;
}

export function sizeOf(text: string): SmsSize {
  let septets = 0;
  let gsm = true;
  for (let i = 0; i < text.length; i++) {
    const s = SEPTETS[text.charCodeAt(i)]!;
    if (s === 0) gsm = false;
    septets += s;
  }
  return { chars: text.length, septets, gsm };
}

export const joinSizes = (...sizes: SmsSize[]): SmsSize => {
  let chars = 0;
  let septets = 0;
  let gsm = true;
  for (const size of sizes) {
    chars += size.chars;
    septets += size.septets;
    gsm &&= size.gsm;
  }
  return { chars, septets, gsm };
};

/**
 * fitsSegments from the size alone when it tells: every part of a long message but the last carries its nominal
 * units or one less (an escaped character or a surrogate pair is never cut), so ceil(units / part) and
 * ceil(units / (part - 1)) bound its segments. Only in between is `text` split as a handset would.
 */
export function sizeFits(size: SmsSize, budget: number, text: () => string): boolean {
  if (size.chars > MAX_SMS_CHARS) return false;
  if (size.chars === 0) return budget >= 0;
  const units = size.gsm ? size.septets : size.chars;
  if (units <= (size.gsm ? GSM7_SINGLE : UCS2_SINGLE)) return budget >= 1;
  const part = size.gsm ? GSM7_PART : UCS2_PART;
  if (Math.ceil(units / (part - 1)) <= budget) return true;
  if (Math.ceil(units / part) > budget) return false;
  return smsSegments(text()).segments <= budget;
}

/** Explicit replacements for the non-GSM characters French text is full of. */
const TRANSLITERATIONS: Record<string, string> = {
  ç: 'c',
  â: 'a',
  á: 'a',
  ã: 'a',
  ê: 'e',
  ë: 'e',
  î: 'i',
  ï: 'i',
  í: 'i',
  ô: 'o',
  ó: 'o',
  õ: 'o',
  û: 'u',
  ú: 'u',
  ÿ: 'y',
  œ: 'oe',
  À: 'A',
  Â: 'A',
  È: 'E',
  Ê: 'E',
  Ë: 'E',
  Î: 'I',
  Ï: 'I',
  Ô: 'O',
  Ù: 'U',
  Û: 'U',
  Ÿ: 'Y',
  Œ: 'OE',
  '’': "'",
  '‘': "'",
  ʼ: "'",
  '‚': ',',
  '“': '"',
  '”': '"',
  '„': '"',
  '«': '"',
  '»': '"',
  '…': '...',
  '–': '-',
  '—': '-',
  '‑': '-',
  '•': '-',
  '·': '-',
  '\u00A0': ' ',
  '\u202F': ' ',
  '\u2009': ' ',
  '\t': ' ',
  // "n°" → "no", the usual plain spelling.
  '°': 'o',
};

/**
 * Rewrites text so that it stays GSM-7: known French characters get their plain form ("ç" → "c",
 * "œ" → "oe", "’" → "'", "« »" → '"'), other accented letters lose their accent, and what is left
 * (emoji, symbols) is dropped. GSM-7 letters such as é, è, à, ù, É, Ç are kept as they are.
 */
export function transliterateToGsm7(text: string): string {
  // French guillemets carry inner spaces ("« gratuit »"); plain quotes do not.
  const source = text.replace(/«[\s\u00A0\u202F]*/g, '«').replace(/[\s\u00A0\u202F]*»/g, '»');
  // Only the characters outside the alphabet are visited (a character loop built the string again one
  // character at a time: the largest allocation of an SMS turn, BENCHMARKS.md).
  return (
    source
      .replace(NOT_GSM7, plainForm)
      // Dropped emoji may leave doubled spaces behind.
      .replace(/ {2,}/g, ' ')
      .replace(/ +\n/g, '\n')
  );
}

/** One character outside the GSM-7 alphabets (a whole code point: an emoji is one match). */
const NOT_GSM7 = new RegExp(`[^${(BASIC + EXTENSION).replace(/[\\\]^-]/g, '\\$&')}]`, 'gu');

/** A character's GSM-7 form: its known replacement, else the letter without its accent, else nothing. */
function plainForm(ch: string): string {
  const mapped = TRANSLITERATIONS[ch];
  if (mapped !== undefined) return mapped;
  const stripped = ch.normalize('NFD').replace(/\p{M}/gu, '');
  // Anything else (emoji, pictographs, variation selectors, zero-width joiners) is dropped.
  return stripped.length > 0 && isGsm7(stripped) ? stripped : '';
}
