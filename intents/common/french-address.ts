// A French postal address as a citizen types it ("2 grande rue st ambreuil", "12bis av. de la gare",
// "rue Pasteur, au numéro 5", "non c'est au 14"), cut into the parts a clerk reads: house number, repetition
// index (bis/ter/quater), street (type words inside a name kept: "Grande Rue", "rue de la Place", "chemin de la
// Rue"), commune of the territory at the end. The geocoder then gets the normalised full string, and a
// correction that gives only a number keeps the street it corrects (mergeAddress).
import type { Commune } from '../../knowledge/territory';
import { fold } from './text';

export type Repetition = 'bis' | 'ter' | 'quater';

export interface FrenchAddress {
  /** "2", "14" */
  number?: string;
  repetition?: Repetition;
  /** Normalised street, "Grande Rue", "avenue de la Gare", "rue Saint-Exupéry"; absent for "au 14". */
  street?: string;
  /** True when the street starts with a known street type (or is a "Grande Rue"). */
  typed: boolean;
  postcode?: string;
  communeId?: string;
  communeName?: string;
}

/** Street types and their abbreviations, folded → as written in an address. */
const STREET_TYPES: Record<string, string> = {
  rue: 'rue',
  ruelle: 'ruelle',
  r: 'rue',
  avenue: 'avenue',
  av: 'avenue',
  ave: 'avenue',
  bd: 'boulevard',
  bld: 'boulevard',
  blvd: 'boulevard',
  boulevard: 'boulevard',
  place: 'place',
  pl: 'place',
  chemin: 'chemin',
  ch: 'chemin',
  che: 'chemin',
  chem: 'chemin',
  impasse: 'impasse',
  imp: 'impasse',
  allee: 'allée',
  allees: 'allées',
  all: 'allée',
  route: 'route',
  rte: 'route',
  quai: 'quai',
  cours: 'cours',
  square: 'square',
  sq: 'square',
  voie: 'voie',
  sentier: 'sentier',
  passage: 'passage',
  'rond-point': 'rond-point',
  esplanade: 'esplanade',
  parvis: 'parvis',
  lotissement: 'lotissement',
  lot: 'lotissement',
  residence: 'résidence',
  res: 'résidence',
  hameau: 'hameau',
  'lieu-dit': 'lieu-dit',
  ld: 'lieu-dit',
  promenade: 'promenade',
  faubourg: 'faubourg',
  fg: 'faubourg',
  mail: 'mail',
  cite: 'cité',
  venelle: 'venelle',
  traverse: 'traverse',
  montee: 'montée',
  sente: 'sente',
  carrefour: 'carrefour',
};

/** Types followed by a place name, whose article is capitalised ("hameau Les Granges"). */
const PLACE_NAME_TYPES = new Set(['lieu-dit', 'hameau', 'lotissement', 'résidence', 'cité']);

/** Abbreviations inside a street name. */
const NAME_ABBREVIATIONS: Record<string, string> = {
  st: 'saint',
  ste: 'sainte',
  sts: 'saints',
  gd: 'grand',
  gde: 'grande',
  gr: 'grande',
  dr: 'docteur',
  mal: 'maréchal',
  gal: 'général',
  pdt: 'président',
  pres: 'président',
};

/** Words written in lower case inside a street name. */
const CONNECTORS = new Set([
  'de',
  'du',
  'des',
  'la',
  'le',
  'les',
  'aux',
  'au',
  'et',
  'sur',
  'en',
  'sous',
  'a',
]);

const REPETITIONS: Record<string, Repetition> = {
  bis: 'bis',
  b: 'bis',
  ter: 'ter',
  t: 'ter',
  quater: 'quater',
  q: 'quater',
};

/** What people say before an address ("c'est au", "j'habite au", "devant le"). */
const LEAD_IN =
  /^(?:(?:non|nan|no|pardon|en fait|plut[oô]t|correction|oups)\b[\s,.!:;-]*)*(?:(?:c['’]?\s?est|ce\s+n['’]est\s+pas\s+[^,]+,?\s*mais|j['’]?\s?habite|nous\s+habitons|on\s+habite|on\s+est|je\s+suis|j['’]?\s?(?:y\s+)?suis|mon\s+adresse\s+(?:est|:)|l['’]adresse\s+(?:est|:)|il\s+s['’]agit\s+d[ue]|it\s+is|it['’]s)\s+)?(?:(?:devant|vers|pr[eè]s\s+du|au\s+niveau\s+du|en\s+face\s+du)\s+)?(?:(?:au|à|a|le|dans\s+la|sur\s+la|en)\s+)?/i;

const NUMBER_FIRST = /^(\d{1,4})\s*(bis|ter|quater|b|t|q)?(?=[\s,]|$)[\s,]*/i;
/** "au numéro 5", "n° 5 bis", ", 5" given after the street. */
const NUMBER_AFTER =
  /[\s,]+(?:au\s+)?(?:(?:num[ée]ro|n°|no\.?|nº)\s*)(\d{1,4})\s*(bis|ter|quater|b|t|q)?(?=[\s,.!]|$)/i;
const POSTCODE = /(?:^|[\s,])(\d{5})(?=[\s,]|$)/;

const cap = (w: string): string => (w ? w.charAt(0).toUpperCase() + w.slice(1) : w);

/** "saint exupery" → "Saint-Exupery": a saint's name is hyphenated in French street names. */
function hyphenateSaints(words: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const next = words[i + 1];
    if (/^saint(e|s)?$/i.test(w) && next && !CONNECTORS.has(fold(next))) {
      out.push(`${cap(w)}-${cap(next)}`);
      i++;
    } else out.push(w);
  }
  return out;
}

/** Name words: abbreviations expanded, connectors in lower case, others capitalised ("de la Gare"). */
function normaliseName(words: string[], lowerFirst = false): string {
  const expanded = words.map((w) => NAME_ABBREVIATIONS[fold(w).replace(/\.$/, '')] ?? w.replace(/\.$/, ''));
  const cased = expanded.map((w, i) => {
    const f = fold(w);
    // "l’Église" keeps the apostrophe the citizen typed.
    const elided = /^([ld])(['’])(.+)$/i.exec(w);
    if (elided) return `${elided[1]!.toLowerCase()}${elided[2]}${cap(elided[3]!)}`;
    if (CONNECTORS.has(f) && (i > 0 || lowerFirst)) return f;
    // Typed in capitals or lower case: as a name is written. Mixed case ("McDonald") is kept.
    return w === w.toLowerCase() || w === w.toUpperCase() ? cap(w.toLowerCase()) : w;
  });
  return hyphenateSaints(cased).join(' ');
}

/** The street: a type word and its name, or a "Grande Rue", or a bare name ("Les Granges"). */
function normaliseStreet(raw: string): { street: string; typed: boolean } | undefined {
  const words = raw.split(/[\s,]+/).filter(Boolean);
  if (words.length === 0) return undefined;
  const f = words.map((w) => fold(w).replace(/\.$/, ''));
  // "Grande Rue", "Grand'Rue", "Grand-Rue", "gde rue": a street name made of a type word.
  let grand: string | undefined;
  let skip = 2;
  if (/^(?:grande|gde|gr)$/.test(f[0]!) && f[1] === 'rue') grand = 'Grande Rue';
  else if (/^(?:grand|gd)$/.test(f[0]!) && f[1] === 'rue') grand = "Grand'Rue";
  else if (/^grande?['-]rue$/.test(f[0]!)) {
    grand = words[0]!.replace(
      /^(\p{L}+)(['’-])rue$/iu,
      (_m, g: string, sep: string) => `${cap(g.toLowerCase())}${sep}Rue`,
    );
    skip = 1;
  }
  if (grand) {
    return { street: [grand, normaliseName(words.slice(skip))].filter(Boolean).join(' '), typed: true };
  }
  const type = STREET_TYPES[f[0]!];
  // A one-letter abbreviation ("r") counts only when a name follows.
  if (type && (f[0]!.length > 1 || words.length > 1)) {
    // "rue de la Gare", but a place name after "lieu-dit" keeps its article: "lieu-dit Les Granges".
    const name = normaliseName(words.slice(1), !PLACE_NAME_TYPES.has(type));
    return { street: name ? `${type} ${name}` : type, typed: name.length > 0 };
  }
  return { street: normaliseName(words), typed: false };
}

function communeNames(c: Commune): string[] {
  return [c.name, ...c.aliases].map((n) =>
    fold(n)
      .replace(/[^a-z0-9]+/g, ' ')
      .trim(),
  );
}

/** A commune of the territory named at the end ("…, Saint-Ambreuil", "… à st ambreuil"), and the rest. */
function splitCommune(
  text: string,
  communes: readonly Commune[],
): { rest: string; commune?: Commune; postcode?: string } {
  const folded = fold(text)
    .replace(/[^a-z0-9']+/g, ' ')
    .trim();
  const candidates = communes
    .flatMap((c) => communeNames(c).map((name) => ({ c, name })))
    .sort((a, b) => b.name.length - a.name.length);
  for (const { c, name } of candidates) {
    if (!name || !(folded === name || folded.endsWith(` ${name}`))) continue;
    // Cut the same number of words off the original text.
    const words = text.trim().split(/[\s,]+/);
    const count = name.split(' ').length;
    // A hyphenated commune ("Saint-Ambreuil") is one word of the original but several folded ones.
    let taken = 0;
    let folds = 0;
    while (taken < words.length && folds < count) {
      folds += fold(words[words.length - 1 - taken]!)
        .replace(/[^a-z0-9']+/g, ' ')
        .trim()
        .split(' ').length;
      taken++;
    }
    const before = words.slice(0, words.length - taken);
    const lastBefore = fold(before[before.length - 1] ?? '');
    // "rue de Vernière": after a connector, the commune's name is the street's (unless after a comma).
    const lastPart = /,([^,]*)$/.exec(text.trim())?.[1] ?? '';
    const afterComma =
      fold(lastPart)
        .replace(/[^a-z0-9]+/g, ' ')
        .trim() === name;
    if (!afterComma && CONNECTORS.has(lastBefore) && !['a', 'à'].includes(lastBefore)) continue;
    const rest = before
      .filter((_, i, all) => !(i === all.length - 1 && /^(?:a|à|sur|in|at)$/i.test(all[i]!)))
      .join(' ');
    const postcode = POSTCODE.exec(rest)?.[1];
    return { rest: rest.replace(POSTCODE, ' ').trim(), commune: c, postcode };
  }
  const postcode = POSTCODE.exec(text)?.[1];
  if (postcode) {
    const commune = communes.find((c) => c.postcodes.includes(postcode));
    // "12 rue X 25290 Ornans": what follows the postcode is the town.
    const rest = text.slice(0, text.search(POSTCODE)).trim();
    return { rest, commune, postcode };
  }
  return { rest: text };
}

/**
 * Parses a typed address. Undefined when the text holds neither a street nor a house number. `communes` are the
 * territory's: only they are recognised at the end (any other town name stays in the text).
 */
export function parseFrenchAddress(
  input: string,
  communes: readonly Commune[] = [],
): FrenchAddress | undefined {
  let text = input
    .replace(/\s+/g, ' ')
    .replace(/[.!?;]+\s*$/, '')
    .trim();
  text = text.replace(LEAD_IN, '').trim();
  const { rest, commune, postcode } = splitCommune(text, communes);
  let body = rest.replace(/^[\s,]+|[\s,]+$/g, '');
  let number: string | undefined;
  let rep: string | undefined;
  const after = NUMBER_AFTER.exec(` ${body}`);
  if (after) {
    number = after[1];
    rep = after[2];
    body = ` ${body}`.replace(after[0], ' ').trim();
  }
  const first = NUMBER_FIRST.exec(body.replace(/^(?:(?:num[ée]ro|n°|no\.?|nº)\s*)/i, ''));
  if (!number && first) {
    number = first[1];
    rep = first[2];
    body = body
      .replace(/^(?:(?:num[ée]ro|n°|no\.?|nº)\s*)/i, '')
      .slice(first[0].length)
      .trim();
    // "au 14 de la rue Pasteur": the connector belongs to the sentence, not to the street.
    body = body.replace(/^(?:de\s+la|de\s+l'|du|de)\s+(?=\S)/i, (m) => {
      const next = fold(body.slice(m.length).split(/\s+/)[0] ?? '');
      return STREET_TYPES[next] || next === 'grande' || next.startsWith('grand') ? '' : m;
    });
  }
  body = body.replace(/^[\s,]+|[\s,]+$/g, '');
  const street = body ? normaliseStreet(body) : undefined;
  if (!number && !street) return undefined;
  // A bare name without a number or type is not an address ("merci beaucoup").
  if (!number && street && !street.typed) return undefined;
  const repetition = rep ? REPETITIONS[rep.toLowerCase()] : undefined;
  return {
    ...(number ? { number } : {}),
    ...(repetition ? { repetition } : {}),
    ...(street ? { street: street.street } : {}),
    typed: street?.typed ?? false,
    ...(postcode ? { postcode } : {}),
    ...(commune ? { communeId: commune.id, communeName: commune.name } : {}),
  };
}

/** The address as one string for the geocoder and the summary: "2 bis Grande Rue, Saint-Ambreuil". */
export function formatFrenchAddress(a: FrenchAddress): string {
  const head = [a.number, a.repetition, a.street].filter(Boolean).join(' ');
  const town = [a.postcode, a.communeName].filter(Boolean).join(' ');
  return [head, town].filter(Boolean).join(', ');
}

/**
 * A correction applied to the address it corrects: a number alone ("non c'est au 14") keeps the street and the
 * commune; a new street without a number is a new place (the old number belonged to the old street).
 */
export function mergeAddress(previous: FrenchAddress | undefined, next: FrenchAddress): FrenchAddress {
  if (!previous) return next;
  const keepCommune = next.communeId
    ? {}
    : {
        ...(previous.communeId ? { communeId: previous.communeId, communeName: previous.communeName } : {}),
        ...(previous.postcode && !next.postcode ? { postcode: previous.postcode } : {}),
      };
  if (!next.street) {
    const { number: _n, repetition: _r, ...place } = previous;
    return {
      ...place,
      ...keepCommune,
      ...(next.communeId ? { communeId: next.communeId, communeName: next.communeName } : {}),
      ...(next.number ? { number: next.number } : {}),
      ...(next.repetition ? { repetition: next.repetition } : {}),
    };
  }
  return { ...next, ...keepCommune };
}

/** True when the text is only a house number ("au 14", "non c'est le 3 bis"): a correction of a number. */
export const isNumberOnly = (a: FrenchAddress | undefined): boolean => !!a?.number && !a.street;

/** "2 grande " before an NLU span "rue st ambreuil": the house number and "Grande" it left behind. */
const LEFT_BEHIND = /(?:\d{1,4}\s*(?:bis|ter|quater|b|t|q)?\s+)?(?:(?:grande?|gde|gd|gr)\s+)?$/i;

export interface AddressAnswer {
  /** The normalised full string (geocoder, summary), or the citizen's words for a landmark. */
  text: string;
  address?: FrenchAddress;
}

/**
 * The address a message gives: the whole answer parsed when it reads as an address, else the NLU's address span
 * re-read with the number and words it cut off (a landmark, "devant la mairie", is the caller's to take). A
 * number alone ("non c'est au 14") corrects the house number of `previousText` and keeps its street.
 */
export function addressFromMessage(
  input: { text: string; entities: readonly { type: string; value: string; start?: number }[] },
  options: { communes: readonly Commune[]; previousText?: string },
): AddressAnswer | undefined {
  const { communes } = options;
  const whole = parseFrenchAddress(input.text, communes);
  if (whole && isNumberOnly(whole)) {
    const previous = options.previousText ? parseFrenchAddress(options.previousText, communes) : undefined;
    if (!previous?.street) return undefined;
    const merged = mergeAddress(previous, whole);
    return { text: formatFrenchAddress(merged), address: merged };
  }
  const span = input.entities.find((e) => e.type === 'address')?.value;
  let fromSpan: AddressAnswer | undefined;
  if (span) {
    const at = input.text.indexOf(span);
    const lead = at >= 0 ? (LEFT_BEHIND.exec(input.text.slice(0, at))?.[0] ?? '') : '';
    const parsed = parseFrenchAddress(`${lead}${span}`, communes);
    fromSpan = parsed?.typed ? { text: formatFrenchAddress(parsed), address: parsed } : { text: span };
  }
  // The whole message, unless the words after the street are not part of it ("rue Pasteur, il y a un trou").
  const wholeFits =
    whole?.typed &&
    (!fromSpan?.address?.street || fold(whole.street ?? '').length <= fold(fromSpan.address.street).length);
  if (whole && wholeFits) return { text: formatFrenchAddress(whole), address: whole };
  if (fromSpan) return fromSpan;
  return undefined;
}
