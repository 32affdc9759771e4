// Street addresses kept as a text span ("devant le 12 rue des Lilas" → "12 rue des Lilas"). The
// geocoder resolves them later; here we only cut a plausible span out of the message.
import type { Span } from './spans';

export interface AddressHit extends Span {
  value: string;
}

const STREET_TYPES =
  'rue|ruelle|avenue|av|bd|boulevard|place|chemin|impasse|allee|allees|route|quai|cours|square|voie|sentier|passage|rond-point|esplanade|parvis|lotissement|residence|hameau|lieu-dit|promenade|faubourg|mail|cite|venelle|traverse';
// Types that are also common words ("en cours", "sur la route", "une place") need a house number or a
// capitalised name to count.
const AMBIGUOUS = new Set([
  'cours',
  'route',
  'place',
  'passage',
  'voie',
  'square',
  'mail',
  'cite',
  'traverse',
  'residence',
]);
const CONNECTORS = new Set([
  'de',
  'du',
  'des',
  'la',
  'le',
  'les',
  "l'",
  "d'",
  'saint',
  'sainte',
  'st',
  'ste',
  'aux',
  'au',
]);
// Words that end a street name in running text.
const STOP = new Set(
  `a à au aux et ou est sont qui que qu depuis devant derrière derriere pres près vers sur sous avec dans en il elle
  ils on y ya ne n pas c ce cette ça ca mais car donc pour par entre juste au niveau côté cote chez svp stp merci
  bonjour is the and near since there it this where when que quand, à, il, elle,`.split(/[\s,]+/),
);

const fold = (s: string): string =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();

const WORD = /[\p{L}\p{N}][\p{L}\p{N}'’-]*/gu;
const TYPE_RE = new RegExp(`^(?:${STREET_TYPES})$`);

interface Word {
  text: string;
  folded: string;
  start: number;
  end: number;
}

function isCapitalised(w: string): boolean {
  return /^\p{Lu}/u.test(w);
}

/** Looks like an adjective or participle ("inondée", "cassé", "abîmés"), which ends a name. */
function looksLikeParticiple(word: string): boolean {
  return /(?:é|ée|és|ées|ment)$/i.test(word) && word.length > 3;
}

const HINT = new RegExp(`(?:^|[^\\p{L}])(?:${STREET_TYPES})(?:[^\\p{L}]|$)`, 'iu');

export function findAddresses(text: string): AddressHit[] {
  if (!HINT.test(fold(text))) return [];
  const words: Word[] = [...text.matchAll(WORD)].map((m) => ({
    text: m[0],
    folded: fold(m[0]).replace(/’/g, "'"),
    start: m.index ?? 0,
    end: (m.index ?? 0) + m[0].length,
  }));
  const hits: AddressHit[] = [];
  for (let i = 0; i < words.length; i++) {
    const type = words[i];
    if (!type || !TYPE_RE.test(type.folded)) continue;
    // Optional house number (with bis/ter) right before the street type.
    let first = i;
    const prev = words[i - 1];
    const prev2 = words[i - 2];
    if (prev && /^(?:bis|ter|b)$/.test(prev.folded) && prev2 && /^\d{1,4}$/.test(prev2.folded)) first = i - 2;
    else if (prev && /^\d{1,4}(?:bis|ter|b)?$/.test(prev.folded)) first = i - 1;

    // Name: connectors, then words; lowercase words only while they still look like a name.
    let j = i + 1;
    let nameWords = 0;
    let last = -1;
    let capitalised = false;
    let afterConnector = false;
    while (j < words.length && nameWords < 5) {
      const w = words[j];
      if (!w) break;
      // Punctuation between words ends the name (", il y a…").
      const gap = text.slice(words[j - 1]?.end ?? w.start, w.start);
      if (/[,;:!?.()]/.test(gap)) break;
      const elided = w.folded.match(/^(l|d)'(.+)$/);
      if (CONNECTORS.has(w.folded)) {
        afterConnector = true;
        j++;
        continue;
      }
      const core = elided?.[2] ?? w.folded;
      if (STOP.has(core)) break;
      const isName = isCapitalised(w.text.replace(/^[ldLD]['’]/, '')) || /^\d+$/.test(core);
      // "rue inondée", "rue Pasteur défoncée": an adjective right after the type or the name ends it;
      // after a connector ("avenue de la Liberté") it is part of the name.
      if (!isName && !afterConnector && !elided && looksLikeParticiple(w.text)) break;
      afterConnector = false;
      if (isName) capitalised = true;
      nameWords++;
      last = j;
      j++;
    }
    if (last < 0) continue;
    if (AMBIGUOUS.has(type.folded) && first === i && !capitalised && !isCapitalised(type.text)) continue;
    const start = words[first]?.start ?? type.start;
    const end = words[last]?.end ?? type.end;
    if (hits.some((h) => start < h.end)) continue;
    hits.push({ start, end, value: text.slice(start, end) });
    i = last;
  }
  return hits;
}
