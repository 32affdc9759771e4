// A light, language-agnostic suffix stripper for French (and the common English endings). It only
// needs to make "signaler / signalé / signalement" or "ouvert / ouverte / ouverts" share a feature;
// the classifier's prefix and bigram features absorb what it misses.

// Short words where a trailing "s" is not a plural.
const KEEP = new Set([
  'vous',
  'nous',
  'dans',
  'sous',
  'mais',
  'tous',
  'plus',
  'fois',
  'pays',
  'cours',
  'corps',
  'temps',
  'alors',
  'tres',
  'apres',
  'pres',
  'depuis',
  'puis',
  'mois',
  'jamais',
  'toujours',
  'ans',
  'bus',
  'gens',
  'this',
  'is',
  'was',
  'has',
  'does',
  'yes',
  'bras',
  'bois',
  'avis',
  'refus',
  'process',
  'access',
  'address',
  'status',
  'thanks',
  'hours',
  'us',
  'dos',
  'parcours',
  'secours',
  'anglais',
  'francais',
  'relais',
  'frais',
  'jours',
]);

const SUFFIXES = [
  'issements',
  'issement',
  'atrices',
  'ateurs',
  'ations',
  'ements',
  'ements',
  'atrice',
  'ateur',
  'ation',
  'ement',
  'ments',
  'euses',
  'ances',
  'ences',
  'ables',
  'iques',
  'istes',
  'ismes',
  'ment',
  'euse',
  'ance',
  'ence',
  'able',
  'ique',
  'iste',
  'isme',
  'ites',
  'ions',
  'erai',
  'erait',
  'eraient',
  'erons',
  'erez',
  'aient',
  'ings',
  'ing',
  'ait',
  'ais',
  'ees',
  'ee',
  'es',
  'er',
  'ez',
  'ed',
  'e',
  's',
  'x',
];

// Suffixes grouped by their last letter, in priority order: a word only tries those that can match.
const SUFFIXES_BY_LAST = new Map<string, string[]>();
for (const suffix of SUFFIXES) {
  const last = suffix[suffix.length - 1] ?? '';
  SUFFIXES_BY_LAST.set(last, [...(SUFFIXES_BY_LAST.get(last) ?? []), suffix]);
}

// Stems are asked for the same few thousand words over and over: memoise (bounded).
const cache = new Map<string, string>();
const CACHE_LIMIT = 20000;

/** Strips one inflectional/derivational ending, keeping a stem of at least 3 characters. */
export function stem(word: string): string {
  const cached = cache.get(word);
  if (cached !== undefined) return cached;
  const result = computeStem(word);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(word, result);
  return result;
}

function computeStem(word: string): string {
  if (word.length <= 3 || KEEP.has(word) || /\d/.test(word)) return word;
  let w = word;
  if (w.endsWith('eaux')) return w.slice(0, -1);
  if (w.endsWith('aux') && w.length > 5) return `${w.slice(0, -3)}al`;
  for (const suffix of SUFFIXES_BY_LAST.get(w[w.length - 1] ?? '') ?? []) {
    if (w.endsWith(suffix) && w.length - suffix.length >= 3) {
      w = w.slice(0, -suffix.length);
      break;
    }
  }
  // Doubled final consonant left by "-elle", "-ette", "-enne" ("poubelle" → "poubel").
  if (w.length > 4 && /([lnt])\1$/.test(w)) w = w.slice(0, -1);
  return w;
}
