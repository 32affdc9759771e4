// Days of the month as people say or type them: "le 25", "le 1er mai", "le premier mai", "le vingt-cinq
// décembre", "trente et un janvier". Speech-to-text writes numbers as words, and chrono reads neither the
// spoken forms nor a bare "le 25" (a follow-up after an hours answer): our own rule, the next such day.
import { prototypeless } from '../../prototypeless';

const UNITS = ['un', 'deux', 'trois', 'quatre', 'cinq', 'six', 'sept', 'huit', 'neuf'];
const TEENS = [
  'dix',
  'onze',
  'douze',
  'treize',
  'quatorze',
  'quinze',
  'seize',
  'dix sept',
  'dix huit',
  'dix neuf',
];

/** "premier" … "trente et un" (hyphens read as spaces) → 1 … 31. */
export const SPOKEN_DAYS: Readonly<Record<string, number>> = (() => {
  const days: Record<string, number> = { premier: 1, '1er': 1, first: 1, vingt: 20, trente: 30 };
  UNITS.forEach((word, i) => (days[word] = i + 1));
  TEENS.forEach((word, i) => (days[word] = i + 10));
  days['vingt et un'] = 21;
  days['trente et un'] = 31;
  UNITS.slice(1).forEach((word, i) => (days[`vingt ${word}`] = i + 22));
  return prototypeless<number>(days);
})();

export const MONTH_NUMBERS: Readonly<Record<string, number>> = prototypeless<number>({
  janvier: 1,
  janv: 1,
  fevrier: 2,
  fevr: 2,
  mars: 3,
  avril: 4,
  avr: 4,
  mai: 5,
  juin: 6,
  juillet: 7,
  juil: 7,
  aout: 8,
  septembre: 9,
  sept: 9,
  octobre: 10,
  oct: 10,
  novembre: 11,
  nov: 11,
  decembre: 12,
  dec: 12,
});

// Longest spoken forms first, so "vingt cinq" is not read as "vingt".
const DAY_WORDS = Object.keys(SPOKEN_DAYS)
  .sort((a, b) => b.length - a.length)
  .map((w) => w.replace(/ /g, '[\\s-]+'))
  .join('|');
const MONTH_WORDS = Object.keys(MONTH_NUMBERS)
  .sort((a, b) => b.length - a.length)
  .join('|');

/** "25 décembre", "premier mai", "1er mai", "vingt-cinq décembre 2027". */
const DAY_MONTH = new RegExp(
  `\\b(\\d{1,2}(?:er)?|${DAY_WORDS})\\s+(?:de\\s+)?(${MONTH_WORDS})\\b\\.?(?:\\s+(\\d{4})\\b)?`,
);
/**
 * A bare day: "le 25", "le premier", "et le vingt-cinq" (only after "le": "25" alone is a number), in a
 * short message ("devant le 12, il y a un trou" is a house number).
 */
const BARE_DAY_MAX_WORDS = 6;
const BARE_DAY = new RegExp(
  `(?<!devant |face |pres |derriere |cote )\\ble\\s+(\\d{1,2}(?:er)?|${DAY_WORDS})\\b(?![\\s-]*(?:h\\b|heures?|:|\\d))`,
);

function dayNumber(token: string): number | undefined {
  const key = token.replace(/[\s-]+/g, ' ');
  const n = /^\d/.test(key) ? Number.parseInt(key, 10) : SPOKEN_DAYS[key];
  return n !== undefined && n >= 1 && n <= 31 ? n : undefined;
}

export interface DayOfMonth {
  /** Month 1–12, undefined for a bare "le 25". */
  month?: number;
  day: number;
  year?: number;
  index: number;
  text: string;
}

/** The first day of the month named in folded text, if any. */
export function findDayOfMonth(folded: string): DayOfMonth | undefined {
  const full = DAY_MONTH.exec(folded);
  if (full) {
    const day = dayNumber(full[1] ?? '');
    const month = MONTH_NUMBERS[full[2] ?? ''];
    // "sept" is both seven and September: "le sept" alone is a day, "sept mai" a day and a month.
    if (day !== undefined && month !== undefined)
      return {
        day,
        month,
        year: full[3] ? Number(full[3]) : undefined,
        index: full.index,
        text: full[0],
      };
  }
  const bare = folded.trim().split(/\s+/).length <= BARE_DAY_MAX_WORDS ? BARE_DAY.exec(folded) : null;
  if (bare) {
    const day = dayNumber(bare[1] ?? '');
    if (day !== undefined) return { day, index: bare.index, text: bare[0] };
  }
  return undefined;
}
