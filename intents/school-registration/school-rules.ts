// School content rules: which level a citizen names, whether they are talking about collège/lycée
// (not the commune's job), the child's age, and which school serves an address (sectors).
import { DateTime } from 'luxon';
import type { SchoolInfo } from '../../knowledge/territory';
import { fold } from '../common/text';

export type SchoolLevel = SchoolInfo['levels'][number];
export type Cycle = SchoolLevel['cycle'];

/** Youngest and oldest plausible ages (in years, on the day of the request) for maternelle / élémentaire. */
export const MIN_AGE = 2;
export const MAX_AGE = 11;

const SECONDARY = [
  /\bcoll[eè]ge|\bcollegien|\blyc[eé]e|\blyceen/,
  /\b(?:6|5|4|3)\s?(?:e|eme|em|ieme)\b/,
  /\b(?:sixieme|cinquieme|quatrieme|troisieme)\b/,
  /\b(?:en|de|entrer en|rentrer en|passer en|classe de)\s+(?:seconde|2nde|premiere|1ere|terminale)\b/,
  /^(?:seconde|2nde|premiere|1ere|terminale)$/,
  /\b(?:middle|high|secondary)\s+school\b/,
];

/** The citizen talks about collège or lycée (6e…terminale), which the commune does not handle. */
export const mentionsSecondary = (text: string): boolean => {
  const f = fold(text).replace(/[.!?]+$/, '');
  return SECONDARY.some((re) => re.test(f));
};

/** A level named in the text: its id ("CP", "ce1") or label ("petite section"); the longest label wins. */
export function findLevel(
  levels: readonly SchoolLevel[],
  text: string,
  options: { afterEn?: boolean } = {},
): SchoolLevel | undefined {
  const f = ` ${fold(text)
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()} `;
  const lead = options.afterEn ? ' en ' : ' ';
  let best: SchoolLevel | undefined;
  let bestLength = 0;
  for (const level of levels) {
    for (const key of [level.label, level.id]) {
      const k = fold(key)
        .replace(/[^a-z0-9]+/g, ' ')
        .trim();
      if (k.length > bestLength && f.includes(`${lead}${k} `)) {
        best = level;
        bestLength = k.length;
      }
    }
  }
  return best;
}

const ABBREVIATIONS: [RegExp, string][] = [
  [/\bav\b/g, 'avenue'],
  [/\bbd\b/g, 'boulevard'],
  [/\bpl\b/g, 'place'],
  [/\bch\b/g, 'chemin'],
  [/\bimp\b/g, 'impasse'],
  [/\bst\b/g, 'saint'],
];

/** "12 bis, Rue du Moulin" → "rue du moulin": the street without its number, for sector lookups. */
export function streetKey(address: string): string {
  let s = fold(address)
    .replace(/[^a-z0-9' ]+/g, ' ')
    .replace(/^\s*\d+\s*(?:bis|ter|b)?\s+/, '')
    .replace(/\s+/g, ' ')
    .trim();
  for (const [re, full] of ABBREVIATIONS) s = s.replace(re, full);
  return s;
}

export type Sector = SchoolInfo['sectors'][number];

function streetMatches(sector: Sector, address: string): boolean {
  const key = ` ${streetKey(address)} `;
  return sector.streets.some((street) => key.includes(` ${streetKey(street)} `));
}

/** Communes whose sector map names this street (to tell the commune from the address alone). */
export function communesServingStreet(school: SchoolInfo, address: string): string[] {
  return [...new Set(school.sectors.filter((s) => streetMatches(s, address)).map((s) => s.communeId))];
}

/**
 * The school serving an address in a commune, for a cycle: sectors listing the street, else a sector
 * covering the whole commune (no streets); among them the maternelle / élémentaire one by its name.
 */
export function sectorSchool(
  school: SchoolInfo,
  communeId: string,
  address: string,
  cycle: Cycle | undefined,
): Sector | undefined {
  const inCommune = school.sectors.filter((s) => s.communeId === communeId);
  const byStreet = inCommune.filter((s) => streetMatches(s, address));
  const candidates = byStreet.length > 0 ? byStreet : inCommune.filter((s) => s.streets.length === 0);
  if (candidates.length <= 1) return candidates[0];
  const word = cycle === 'maternelle' ? 'maternelle' : cycle === 'elementaire' ? 'elementaire' : undefined;
  return (
    (word && candidates.find((s) => fold(s.schoolName).includes(word))) ??
    candidates.find((s) => fold(s.schoolName).includes('primaire')) ??
    candidates[0]
  );
}

/**
 * The national rule: a child enters petite section in the calendar year of its 3rd birthday, CP in that of its
 * 6th… (the territory may set a level's `age` for a level id of its own).
 */
const NATIONAL_AGES: Readonly<Record<string, number>> = {
  tps: 2,
  ps: 3,
  ms: 4,
  gs: 5,
  cp: 6,
  ce1: 7,
  ce2: 8,
  cm1: 9,
  cm2: 10,
};

export const levelAge = (level: SchoolLevel): number | undefined =>
  level.age ?? (Object.hasOwn(NATIONAL_AGES, level.id) ? NATIONAL_AGES[level.id] : undefined);

/** The year of the next rentrée (today's if it is today): the school year a registration made now is for. */
export function rentreeYear(school: Pick<SchoolInfo, 'rentree'>, now: Date, timeZone: string): number {
  const today = DateTime.fromJSDate(now, { zone: timeZone });
  const [month, day] = (school.rentree ?? '09-01').split('-').map(Number);
  const thisYear = DateTime.fromObject({ year: today.year, month, day }, { zone: timeZone });
  return today.startOf('day') <= thisYear ? today.year : today.year + 1;
}

export interface LevelFit {
  /** The class the child's year of birth gives at that rentrée, when the territory has it. */
  expected?: SchoolLevel;
  rentree: number;
  birthYear: number;
}

/**
 * What a clerk checks: the class a child born in `birthDate` normally enters at the next rentrée. Undefined when
 * the chosen level fits (or has no known age).
 */
export function levelMismatch(
  school: SchoolInfo,
  level: SchoolLevel,
  birthDate: string,
  now: Date,
  timeZone: string,
): LevelFit | undefined {
  const age = levelAge(level);
  const birthYear = DateTime.fromISO(birthDate).year;
  if (age === undefined || !Number.isFinite(birthYear)) return undefined;
  const rentree = rentreeYear(school, now, timeZone);
  if (rentree - birthYear === age) return undefined;
  const expected = school.levels.find((l) => levelAge(l) === rentree - birthYear);
  return { ...(expected ? { expected } : {}), rentree, birthYear };
}
