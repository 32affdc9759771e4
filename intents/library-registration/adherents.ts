// Who is being registered: names ("Marie Durand et Léo Durand") or a head count ("moi et mes 2 enfants",
// "3 personnes"), in which case the names are asked next.
import { fold } from '../common/text';
import { prototypeless } from '../../bot/prototypeless';

export const MAX_ADHERENTS = 8;

const NUMBER_WORDS = prototypeless<number>({
  un: 1,
  une: 1,
  deux: 2,
  trois: 3,
  quatre: 4,
  cinq: 5,
  six: 6,
  sept: 7,
  huit: 8,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
});
const NUMBER = '(\\d{1,2}|un|une|deux|trois|quatre|cinq|six|sept|huit|one|two|three|four|five)';
const RELATIVES = 'enfants?|fils|filles?|ados?|adolescents?|children|kids?|sons?|daughters?';
const PEOPLE = 'personnes?|people|persons?|adultes?|adults?';

const toNumber = (w: string): number => (/^\d+$/.test(w) ? Number(w) : (NUMBER_WORDS[w] ?? NaN));

/** The number of people the text names, or undefined when it does not say ("mes enfants"). */
export function countAdherents(text: string): number | undefined {
  const f = ` ${fold(text).replace(/[^a-z0-9' -]+/g, ' ')} `;
  let count = 0;
  let said = false;
  const total = new RegExp(`\\b(?:nous sommes|on est|we are)?\\s*${NUMBER}\\s+(?:${PEOPLE})\\b`).exec(f);
  if (total) return toNumber(total[1] ?? '');
  if (/\b(?:moi|moi-meme|myself|me)\b/.test(f)) {
    count += 1;
    said = true;
  }
  for (const m of f.matchAll(new RegExp(`\\b${NUMBER}\\s+(?:${RELATIVES})\\b`, 'g'))) {
    count += toNumber(m[1] ?? '');
    said = true;
  }
  const singles = f.match(
    /\b(?:mon|ma|my)\s+(?:fils|fille|enfant|ado|femme|mari|epouse|epoux|conjoint|conjointe|compagne|compagnon|son|daughter|child|wife|husband)\b/g,
  );
  if (singles) {
    count += singles.length;
    said = true;
  }
  // "mes enfants" without a number: how many is unknown.
  if (
    /\b(?:mes|nos|my|our)\s+(?:enfants|fils|filles|children|kids)\b/.test(f) &&
    !new RegExp(`\\b(?:mes|nos|my|our)\\s+${NUMBER}\\s`).test(f)
  )
    return undefined;
  return said && Number.isFinite(count) && count > 0 ? count : undefined;
}
