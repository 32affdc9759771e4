// Personal data is removed from citizen text before anything reaches a language model provider, unless
// the territory explicitly allows sending it. Replacements keep the sentence readable ("[téléphone]"),
// so the model still understands what the message is about.
import { findPhoneNumbersInText } from 'libphonenumber-js';
import { electronicFormatIBAN, isValidIBAN } from 'ibantools';
import { referencesInText } from '../references';
export const REDACTION_KINDS = ['email', 'phone', 'reference', 'number', 'name', 'address'] as const;
export type RedactionKind = (typeof REDACTION_KINDS)[number];

export interface Redacted {
  text: string;
  /** What was removed (kinds only, never the values), for logs and tests. */
  kinds: RedactionKind[];
}

const PLACEHOLDER: Record<RedactionKind, string> = {
  email: '[email]',
  phone: '[téléphone]',
  reference: '[référence]',
  number: '[numéro]',
  name: '[nom]',
  address: '[adresse]',
};

const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+/gu;
/** French numbers (01 23 45 67 89, 01.23…, +33 6 12…, 0033…) and other international numbers. */
const PHONE = /(?:(?:\+|00)33\s?(?:\(0\)\s?)?|\b0)[1-9](?:[\s.-]?\d{2}){4}\b|\+\d{1,3}(?:[\s.-]?\d){7,13}\b/g;
const REFERENCE = referencesInText();
/**
 * E-mails disguised against robots: "jean point dupont arobase gmail point com", "jean [at] gmail [dot] com",
 * "jean(at)gmail(dot)fr".
 */
const DISGUISED_EMAIL =
  /[\p{L}\p{N}_%+-]+(?:(?:\s+(?:point|dot)\s+|\s*[[(]\s*(?:point|dot)\s*[\])]\s*|\.)[\p{L}\p{N}_%+-]+)*(?:\s+(?:arobase|arrobase|at)\s+|\s*[[(]\s*(?:at|arobase|@)\s*[\])]\s*|\s*@\s*)[\p{L}\p{N}-]+(?:(?:\s+(?:point|dot)\s+|\s*[[(]\s*(?:point|dot)\s*[\])]\s*|\.)[\p{L}\p{N}-]+)*(?:\s+(?:point|dot)\s+|\s*[[(]\s*(?:point|dot)\s*[\])]\s*|\.)(?:com|fr|net|org|eu|info|be|ch|io|re|gp|mq|gf|yt|nc|pf)\b/giu;
/** French social-security numbers (NIR): sex, year, month, département (2A/2B for Corsica), commune, order, key. */
const NIR = /\b[12]\s?\d{2}\s?(?:0[1-9]|1[0-2]|[2-9]\d)\s?(?:\d{2}|2[AB])\s?\d{3}\s?\d{3}(?:\s?\d{2})?\b/giu;
/** Where an IBAN may start: a country code and two check digits. */
const IBAN_START = /\b[A-Z]{2}\d{2}/gi;
/** Long digit runs: social security numbers, IBAN digits, customer numbers, card numbers. */
const LONG_NUMBER = /\b[A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4}){3,7}\b|\b\d(?:[\s.-]?\d){8,}\b/g;

// Names: what follows a self-introduction or a civility, up to three words, stopping at the next clause.
const NAME_WORD = "[\\p{Lu}\\p{Ll}][\\p{L}'’-]*";
const STOP_WORDS = new Set([
  'et',
  'je',
  'j',
  'mais',
  'donc',
  'car',
  'pour',
  'qui',
  'que',
  'and',
  'i',
  'but',
  'from',
  'de',
  'du',
  'des',
  'à',
  'a',
  'au',
  'aux',
  'habite',
  'suis',
  'voudrais',
  'veux',
  'souhaite',
  'live',
  'want',
  'would',
  'need',
  'am',
  'ai',
  'en',
  'sur',
  'on',
  'in',
  'at',
  'le',
  'la',
  'les',
  'un',
  'une',
  'mon',
  'ma',
  'mes',
  'my',
  'the',
]);
const SENTENCE_STARTS = new Set([
  'Je',
  'J',
  'I',
  'Et',
  'And',
  'Mais',
  'But',
  'Merci',
  'Thanks',
  'Bonjour',
  'Hello',
]);
const INTRODUCTION =
  /\b(je\s+m['’]?\s?app?ell?e?|mon\s+nom\s+(?:est|c['’]est)|moi\s+c['’]est|my\s+name\s+is|i\s+am\s+called|i['’]m\s+called|name['’]s)\s+/giu;
const CIVILITY = /\b(madame|monsieur|mademoiselle|mme|mlle|mr|mrs|ms|m\.)\s+/giu;

const STREET_TYPES = [
  'rue',
  'r\\.',
  'avenue',
  'av\\.?',
  'boulevard',
  'bd',
  'bld',
  'chemin',
  'ch\\.',
  'impasse',
  'imp\\.?',
  'allée',
  'allee',
  'place',
  'pl\\.',
  'route',
  'rte',
  'quai',
  'cours',
  'square',
  'lotissement',
  'lot\\.',
  'lieu-dit',
  'résidence',
  'residence',
  'sentier',
  'passage',
  'rond-point',
  'voie',
  'hameau',
  'faubourg',
  'fg',
  'cité',
  'cite',
  'parvis',
  'esplanade',
  'promenade',
  'street',
  'st\\.?',
  'road',
  'rd\\.?',
  'lane',
  'drive',
].join('|');
/** Words that end a street name ("12 rue des Lilas à Montcey", "… depuis hier"). */
const ADDRESS_STOPS = [
  'et',
  'pour',
  'qui',
  'mais',
  'près',
  'devant',
  'depuis',
  'à',
  'a',
  'au',
  'en',
  'dans',
  'sur',
  'avec',
  'il',
  'elle',
  'ça',
  'je',
  'j',
  'on',
  'and',
  'for',
  'since',
  'in',
  'at',
  'near',
  'with',
  'it',
  'i',
].join('|');
/** "12 rue des Lilas", "3 bis avenue Jean Jaurès", "8, bd du Port": number, street type, then the name. */
const ADDRESS = new RegExp(
  `\\b\\d{1,4}\\s?(?:bis|ter|quater|[a-d])?\\b,?\\s+(?:${STREET_TYPES})(?=[\\s,])(?:\\s+(?!(?:${ADDRESS_STOPS})(?=[\\s,.;:!?]|$))[\\p{L}\\p{N}'’.-]+){0,5}`,
  'giu',
);

/** English order: "8 Rosemary Lane", "221B Baker Street". */
const ENGLISH_ADDRESS =
  /\b\d{1,4}[A-Za-z]?,?\s+(?:\p{Lu}[\p{L}'’-]*\s+){1,3}(?:Street|St\.?|Road|Rd\.?|Lane|Avenue|Ave\.?|Drive|Dr\.?|Close|Way|Court|Ct\.?|Place|Crescent|Terrace|Boulevard|Blvd\.?|Gardens|Square)(?![\p{L}])/gu;

/** Removes personal data from `text`. Order matters: emails before phones (digits in addresses), addresses before names. */
export function redactPersonalData(text: string): Redacted {
  const kinds = new Set<RedactionKind>();
  const replace = (input: string, pattern: RegExp, kind: RedactionKind): string =>
    input.replace(pattern, () => {
      kinds.add(kind);
      return PLACEHOLDER[kind];
    });
  let out = replace(text, EMAIL, 'email');
  out = replace(out, DISGUISED_EMAIL, 'email');
  out = replace(out, REFERENCE, 'reference');
  out = redactIbans(out, kinds);
  out = replace(out, NIR, 'number');
  out = redactPhoneNumbers(out, kinds);
  out = replace(out, PHONE, 'phone');
  out = replace(out, ADDRESS, 'address');
  out = replace(out, ENGLISH_ADDRESS, 'address');
  out = replace(out, LONG_NUMBER, 'number');
  out = redactNames(out, INTRODUCTION, kinds);
  out = redactNames(out, CIVILITY, kinds);
  return { text: out, kinds: [...kinds] };
}

/**
 * Phone numbers in every way people write them (libphonenumber-js, French numbers by default): "06 12 34 56 78",
 * "06.12…", "+33 (0)6 12 34 56 78", "0033…", and "06/12/34/56/78" (slashes read as spaces, same length).
 */
function redactPhoneNumbers(text: string, kinds: Set<RedactionKind>): string {
  const readable = text.replace(/(\d)\/(?=\d)/g, '$1 ');
  const found = findPhoneNumbersInText(readable, 'FR');
  if (found.length === 0) return text;
  kinds.add('phone');
  let out = '';
  let last = 0;
  for (const match of found) {
    out += text.slice(last, match.startsAt) + PLACEHOLDER.phone;
    last = match.endsAt;
  }
  return out + text.slice(last);
}

/**
 * IBANs with or without spaces, in any case, hidden only when their checksum holds (ibantools): from each
 * possible start, the longest run of letters and digits (single spaces allowed) that is a valid IBAN.
 */
function redactIbans(text: string, kinds: Set<RedactionKind>): string {
  let out = '';
  let last = 0;
  for (const m of text.matchAll(IBAN_START)) {
    const start = m.index ?? 0;
    if (start < last) continue;
    let compact = '';
    let end = -1;
    for (let i = start; i < text.length && compact.length < 34; i++) {
      const c = text[i]!;
      if (/[A-Za-z0-9]/.test(c)) compact += c.toUpperCase();
      else if (c !== ' ' || text[i + 1] === ' ') break;
      const boundary = i + 1 >= text.length || !/[A-Za-z0-9]/.test(text[i + 1]!);
      if (boundary && compact.length >= 15 && isValidIBAN(electronicFormatIBAN(compact) ?? '')) end = i + 1;
    }
    if (end < 0) continue;
    kinds.add('number');
    out += text.slice(last, start) + PLACEHOLDER.number;
    last = end;
  }
  return out + text.slice(last);
}

/** Replaces the (up to three) name words that follow each match of `lead`. */
function redactNames(text: string, lead: RegExp, kinds: Set<RedactionKind>): string {
  const word = new RegExp(`^${NAME_WORD}`, 'u');
  let out = '';
  let last = 0;
  for (const m of text.matchAll(lead)) {
    const start = (m.index ?? 0) + m[0].length;
    if (start < last) continue;
    let end = start;
    let taken = 0;
    while (taken < 3) {
      const rest = text.slice(end);
      const space = /^\s*/.exec(rest)?.[0] ?? '';
      const w = word.exec(rest.slice(space.length))?.[0];
      if (!w) break;
      const bare = w.replace(/['’]$/, '');
      // Lowercase function words end the name; capitalised particles belong to it ("Le Gall").
      if (bare === bare.toLowerCase() ? STOP_WORDS.has(bare) : SENTENCE_STARTS.has(bare)) break;
      // After a civility only capitalised words are names ("M. le maire" is not).
      if (lead === CIVILITY && taken === 0 && w[0] === w[0]?.toLowerCase()) break;
      end += space.length + w.length;
      taken += 1;
    }
    if (taken === 0) continue;
    kinds.add('name');
    out += text.slice(last, start) + PLACEHOLDER.name;
    last = end;
  }
  return out + text.slice(last);
}
