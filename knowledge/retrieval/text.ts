// Text normalisation for retrieval, French first: accent folding, elisions, stop words, light stemming.
// Index and queries go through the same `terms`, so "Inscriptions", "inscrire" and "INSCRIPTION" meet.
import { prototypeless } from '../../bot/prototypeless';

// Accent folding per character, memoised: texts are mostly ASCII, and NFD on whole texts is slow at 10,000 entries.
const foldedChars = new Map<string, string>([
  ['œ', 'oe'],
  ['æ', 'ae'],
  ['ß', 'ss'],
]);
function foldChar(c: string): string {
  let f = foldedChars.get(c);
  if (f === undefined) {
    f = c.normalize('NFD').replace(/\p{M}/gu, '');
    foldedChars.set(c, f);
  }
  return f;
}

/** Folded words: lowercase, accents removed, ligatures expanded, split on anything not a letter or digit. */
export function tokenize(text: string): string[] {
  // One pass over the characters: this runs over every FAQ text when an index is built.
  const out: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    let piece: string;
    if (code < 128) {
      if ((code >= 97 && code <= 122) || (code >= 48 && code <= 57)) piece = text[i] as string;
      else if (code >= 65 && code <= 90) piece = String.fromCharCode(code + 32);
      else piece = ' ';
    } else {
      piece = foldChar((text[i] as string).toLowerCase());
      if (!/^[a-z0-9]*$/.test(piece)) piece = ' ';
    }
    if (piece === ' ') {
      if (current !== '') out.push(current);
      current = '';
    } else current += piece;
  }
  if (current !== '') out.push(current);
  return out;
}

/** Lowercase, accents removed, ligatures expanded, punctuation and apostrophes become spaces. */
export const fold = (text: string): string => tokenize(text).join(' ');

// Folded. Question words and politeness carry no topic ("bonjour, je voudrais savoir comment …").
const STOP_WORDS_FR =
  'a ai aie aient ait alors as au aucun aussi autre aux avec avez avoir avons bien bon bonjour bonsoir ca car ce ceci cela celle celui ces cet cette chez ci comme comment dans de des dit dois doit donc dont du elle elles en encore es est et etaient etait etes etre eu faire fais fait faut fois font hello ici il ils j je jusqu l la le les leur leurs lui m ma madame mais me meme merci mes moi mon monsieur n ne ni nos notre nous on ont ou par parce pas peu peut peuvent peux plait plus pour pourquoi pourrais pouvez pouvons puis puisje qu quand que quel quelle quelles quels qui quoi s sa sais sait salut sans savoir se ses si sil son sont souhaite souhaiterais stp suis sur svp t ta te tes toi ton tous tout toute toutes tres tu un une vais veut veux via voici voila voudrais voudrait vos votre vous vouloir y aimerais besoin renseignement renseignements info infos information informations question faites obtenir refaire demander mettre mets met mettent passer passe passent installer aller vais va allez venir viens vient acheter cherche chercher cherchons prendre';
const STOP_WORDS_EN =
  'about an and any are at be been can could did do does for from get got have how hi i if in into is it its me my need of on or our please should tell thank thanks that the there this to want was we what when where which who why will with would you your';
export const STOP_WORDS: ReadonlySet<string> = new Set(`${STOP_WORDS_FR} ${STOP_WORDS_EN}`.split(' '));

// A few public-service abbreviations and synonyms, rewritten before stemming (folded forms).
const SYNONYMS = prototypeless<string>({
  cni: 'carte identite',
  rdv: 'rendez vous',
  bibliotheque: 'mediatheque',
  biblio: 'mediatheque',
  decheterie: 'dechetterie',
  pacser: 'pacs',
  pacse: 'pacs',
  hotel: 'mairie',
  townhall: 'mairie',
});

/** Suffixes removed by the light stemmer, longest first; a stem keeps at least 3 letters. */
const SUFFIXES = [
  'issements',
  'issement',
  'ements',
  'ement',
  'ations',
  'ation',
  'atrices',
  'atrice',
  'ateurs',
  'ateur',
  'euses',
  'euse',
  'ances',
  'ance',
  'ences',
  'ence',
  'ables',
  'able',
  'iques',
  'ique',
  'ments',
  'ment',
  'tions',
  'tion',
  'ites',
  'ite',
  'ives',
  'ive',
  'ees',
  'ee',
  'ers',
  'er',
  'ez',
  'es',
  'e',
  'ing',
  'ed',
];
/** Stems are cut to this length: French derivations share their first letters (déclarer, déclaration). */
const STEM_LENGTH = 6;

/** Light stemming of a folded word (French, with a touch of English). */
export function stem(word: string): string {
  // Short words, numbers and codes ("16", "t3", "dem2026") are kept whole.
  if (word.length <= 3 || /\d/.test(word)) return word;
  let w = word;
  if (w.endsWith('eaux')) w = w.slice(0, -1);
  else if (w.endsWith('aux') && w.length > 4) w = `${w.slice(0, -3)}al`;
  else if ((w.endsWith('s') || w.endsWith('x')) && w.length > 4) w = w.slice(0, -1);
  for (const suffix of SUFFIXES) {
    if (w.endsWith(suffix) && w.length - suffix.length >= 3) {
      w = w.slice(0, -suffix.length);
      break;
    }
  }
  return w.slice(0, STEM_LENGTH);
}

/** Folded words of a text, synonyms expanded, stop words removed (surface forms, before stemming). */
export function words(text: string): string[] {
  const out: string[] = [];
  for (const raw of tokenize(text)) {
    const expanded = SYNONYMS[raw];
    for (const w of expanded ? expanded.split(' ') : [raw])
      if (!STOP_WORDS.has(w) && w.length > 1) out.push(w);
  }
  return out;
}

/** Index terms of a text: stems of its words. */
export const terms = (text: string): string[] => words(text).map(stem);
