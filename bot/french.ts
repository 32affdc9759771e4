// French typography and the grammar of sentences built around names. One place, so every written channel
// gets the same rules: a narrow no-break space before ? ! ; » and after «, a no-break space before :, and
// one apostrophe (’). Texts are written with these rules already; names and answers from territory files,
// agents and the language model are not, hence a pass at render time.
import type { Locale } from './i18n';

const NARROW_NBSP = '\u202f';
const NBSP = '\u00a0';

/** Apostrophes between letters (l'école, aujourd'hui, don't): language-neutral. */
const straightApostrophe = /(\p{L})'(?=\p{L})/gu;

/**
 * Typographic spaces and apostrophes. English text only gets the apostrophes; French text also gets the
 * spaces, replacing an ordinary space or inserting one after a word (never inside a URL or a time: "14:05",
 * "https://…", "?page=2" are left as they are).
 */
export function typography(text: string, locale: Locale): string {
  const apostrophes = text.replace(straightApostrophe, '$1’');
  if (locale !== 'fr') return apostrophes;
  return (
    apostrophes
      // « guillemets » hold their text with narrow no-break spaces.
      .replace(/«[ \u00a0\u202f]*/g, `«${NARROW_NBSP}`)
      .replace(/[ \u00a0\u202f]*»/g, `${NARROW_NBSP}»`)
      // A space already there becomes the right no-break one.
      .replace(/[ \u00a0\u202f]+([?!;])/g, `${NARROW_NBSP}$1`)
      .replace(/[ \u00a0\u202f]+:/g, `${NBSP}:`)
      // A missing one after a word, when the mark ends a clause (followed by a space or the end).
      .replace(/([\p{L}\p{N})»])([?!;]+)(?=\s|$)/gu, `$1${NARROW_NBSP}$2`)
      .replace(/(\p{L})(:)(?=\s|$)/gu, `$1${NBSP}$2`)
  );
}

/** Masculine institution nouns that start a name without an article ("Syndicat des eaux…" → "du Syndicat…"). */
const MASCULINE = new Set([
  'syndicat',
  'conseil',
  'département',
  'centre',
  'service',
  'pôle',
  'établissement',
  'office',
  'groupement',
  'ccas',
  'cias',
  'siredom',
  'sivom',
  'sivu',
]);
/** Feminine ones ("Communauté de communes…" → "de la Communauté…"). */
const FEMININE = new Set([
  'communauté',
  'mairie',
  'ville',
  'commune',
  'métropole',
  'agglomération',
  'agence',
  'région',
  'préfecture',
  'médiathèque',
  'bibliothèque',
  'piscine',
  'déchetterie',
  'direction',
  'maison',
  'école',
]);

const startsWithVowel = (word: string): boolean => /^[aeiouyâàéèêëîïôûùh]/i.test(word);

type Article = 'le' | 'la' | 'les' | 'l’' | '';

/** The article a name takes in a sentence, and the name without the article it may already carry. */
function articleOf(name: string): { article: Article; rest: string } {
  const trimmed = name.trim();
  const own = /^(les|le|la)\s+(.+)$/i.exec(trimmed) ?? /^(l['’])\s*(.+)$/i.exec(trimmed);
  if (own) {
    const word = own[1]!.toLowerCase().replace("'", '’') as Article;
    // "La Passerelle", "Le Mans": a capitalised article is part of the proper name, kept as written.
    return { article: word, rest: own[2]! };
  }
  const first = (trimmed.split(/[\s-]/)[0] ?? '').toLowerCase();
  if (MASCULINE.has(first)) return { article: startsWithVowel(first) ? 'l’' : 'le', rest: trimmed };
  if (FEMININE.has(first)) return { article: startsWithVowel(first) ? 'l’' : 'la', rest: trimmed };
  return { article: '', rest: trimmed };
}

/**
 * "de" + a name, with the article the name takes: "de la Communauté de communes du Val de Loue",
 * "du Syndicat des eaux", "de l’Office de tourisme", "du Mans", "des Tilleuls", "d’Ornans", "de Vernière".
 */
export function ofName(name: string): string {
  const { article, rest } = articleOf(name);
  if (article === 'le') return `du ${rest}`;
  if (article === 'les') return `des ${rest}`;
  if (article === 'la') return `de la ${rest}`;
  if (article === 'l’') return `de l’${rest}`;
  return startsWithVowel(rest) ? `d’${rest}` : `de ${rest}`;
}

/** "à" + a name: "à la Mairie de Vernière", "au Syndicat des eaux", "aux Tilleuls", "à l’Office…", "à Ornans". */
export function toName(name: string): string {
  const { article, rest } = articleOf(name);
  if (article === 'le') return `au ${rest}`;
  if (article === 'les') return `aux ${rest}`;
  if (article === 'la') return `à la ${rest}`;
  if (article === 'l’') return `à l’${rest}`;
  return `à ${rest}`;
}
