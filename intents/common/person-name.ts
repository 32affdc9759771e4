// People's names typed in a chat: "Lucas Martin", "MARTIN Lucas", "il s'appelle Lucas Martin",
// "prénom Lucas nom Martin", and lists ("Léo, Emma et Paul Durand"). Strict on purpose: a sentence
// ("au fait c'est ouvert quand ?") must never be taken for a name.
import type { SlotDefinition } from '../../bot/forms/form-definition';
import { phrase, type Phrase } from '../../bot/i18n';
import { answering } from './slots';
import { fold } from './text';

export interface PersonName {
  firstName: string;
  lastName: string;
}

// Function words and common chat words that never appear in a name (folded). Particles such as
// "de", "du", "le", "la", "van" are allowed, except as the first word.
const NOT_A_NAME = new Set(
  `je j tu il elle on nous vous ils elles mon ma mes ton ta tes son sa ses notre votre nos vos leur leurs est suis es sont
  a ai as ont avons avez veux veut voudrais voudrait peux peut pour avec dans sur par sans chez quand quel quelle quels
  quelles comment pourquoi ou qui que quoi qu oui non ok okay merci bonjour bonsoir salut svp stp horaire horaires heure
  heures ouvre ouvert ouverte ouverts ferme fermee demain aujourd hui inscrire inscription inscriptions ecole college lycee
  fils fille enfant enfants bebe the is my what when where how and et or rue avenue place chemin boulevard moi lui ca ce
  cet cette ces c pas ne n au aux fait annuler annule stop aide help agent mairie mediatheque dechetterie piscine ans an`
    .split(/\s+/)
    .filter(Boolean),
);
const PARTICLES = new Set([
  'de',
  'du',
  'des',
  'le',
  'la',
  'van',
  'von',
  'der',
  'den',
  'di',
  'da',
  'del',
  'della',
  'ben',
  'el',
  "d'",
]);
/** Particles written in lower case inside a name ("Jean de La Tour", "Jeanne d'Arc"). */
const LOWER_PARTICLES = new Set([
  'de',
  'du',
  'des',
  'van',
  'von',
  'der',
  'den',
  'di',
  'da',
  'del',
  'della',
  'd',
]);
const LEAD_IN =
  /^(?:(?:il|elle)\s+s['’]appelle|je\s+m['’]appelle|(?:son|mon|leur)\s+(?:nom|pr[ée]nom)\s+(?:est|:)|c['’]est|(?:his|her|my)\s+name\s+is|it\s+is|it['’]s)\s+/i;
const WORD = /^\p{L}[\p{L}'’-]*$/u;

const capitalise = (w: string): string =>
  w
    .toLowerCase()
    .split(/([-'’\s])/)
    .map((part) => (LOWER_PARTICLES.has(part) ? part : part.charAt(0).toUpperCase() + part.slice(1)))
    .join('');

const isAllCaps = (w: string): boolean => w.length > 1 && w === w.toUpperCase() && w !== w.toLowerCase();

function plausibleWords(words: string[]): boolean {
  if (words.length === 0 || words.length > 5) return false;
  if (!words.every((w) => WORD.test(w))) return false;
  if (PARTICLES.has(fold(words[0] ?? ''))) return false;
  return words.every((w) => PARTICLES.has(fold(w)) || !NOT_A_NAME.has(fold(w).replace(/'.*$/, '')));
}

/** A first and last name, or undefined when the text is not (only) a person's name. */
export function parsePersonName(text: string): PersonName | undefined {
  const cleaned = text
    .trim()
    .replace(/[.!]+$/, '')
    .replace(LEAD_IN, '')
    .trim();
  const labelled = /^pr[ée]nom\s*:?\s*(.+?)\s*[,;]?\s+nom\s*:?\s*(.+)$/iu.exec(cleaned);
  if (labelled) {
    const first = (labelled[1] ?? '').split(/\s+/);
    const last = (labelled[2] ?? '').split(/\s+/);
    if (!plausibleWords([...first, ...last])) return undefined;
    return { firstName: capitalise(first.join(' ')), lastName: capitalise(last.join(' ')) };
  }
  if (/[\d?@:#/;]/.test(cleaned)) return undefined;
  const words = cleaned.replace(/,/g, ' ').split(/\s+/).filter(Boolean);
  if (words.length < 2 || !plausibleWords(words)) return undefined;
  // "MARTIN Lucas": the word in capitals is the family name, as on French forms.
  const caps = words.filter(isAllCaps);
  if (caps.length > 0 && caps.length < words.length) {
    return {
      firstName: capitalise(words.filter((w) => !isAllCaps(w)).join(' ')),
      lastName: capitalise(caps.join(' ')),
    };
  }
  return { firstName: capitalise(words[0] ?? ''), lastName: capitalise(words.slice(1).join(' ')) };
}

export const fullName = (p: PersonName): string => `${p.firstName} ${p.lastName}`;

/** Several people: "Marie Durand et Léo Durand", "Léo, Emma et Paul Durand" (shared family name). */
export function parseNameList(text: string, max = 8): PersonName[] | undefined {
  const parts = text
    .trim()
    .replace(/[.!]+$/, '')
    .split(/\s*(?:,|;|\n|&|\bet\b|\band\b)\s*/i)
    .map((p) => p.trim())
    .filter(Boolean);
  if (parts.length === 0 || parts.length > max) return undefined;
  const lastPart = parts[parts.length - 1] ?? '';
  const shared = parsePersonName(lastPart)?.lastName;
  const people: PersonName[] = [];
  for (const part of parts) {
    const words = part.split(/\s+/);
    const person =
      words.length === 1 && shared && plausibleWords(words)
        ? { firstName: capitalise(part), lastName: shared }
        : parsePersonName(part);
    if (!person) return undefined;
    people.push(person);
  }
  return people;
}

/**
 * A "first and last name" slot (a child, an adherent, the person a certificate is for): only taken from the
 * answer to its own question, never from a sentence said in passing.
 */
export function personNameSlot(options: { name: string; prompt: Phrase; label: Phrase }): SlotDefinition {
  return {
    name: options.name,
    prompt: options.prompt,
    hint: phrase(
      'Écrivez le prénom puis le nom, par exemple « Lucas Martin ».',
      'Write the first name then the last name, for example "Lucas Martin".',
    ),
    label: options.label,
    extract: (input) => {
      if (!answering(input, options.name)) return undefined;
      const name = parsePersonName(input.text);
      return name ? { firstName: name.firstName, lastName: name.lastName } : undefined;
    },
    format: (value) =>
      typeof value === 'object' && value ? `${String(value.firstName)} ${String(value.lastName)}` : '',
  };
}
