// Dates → ISO YYYY-MM-DD, resolved in the territory's time zone. Our own rules cover relative days,
// weekdays and public holidays (what chrono misses or reads differently: "après-demain",
// "aujourd hui", "samedi prochain" = the coming Saturday); chrono-node's French and English parsers
// cover explicit dates ("le 14 juillet", "lundi 25 décembre", "25/12", "December 25").
import * as chrono from 'chrono-node';
import type { Language } from '../types';
import { prototypeless } from '../../prototypeless';
import { findDayOfMonth, type DayOfMonth } from './day-of-month';

export interface DateHit {
  value: string;
  text: string;
}

/** A calendar day (plus the wall-clock time it was read at) in the territory's time zone. */
export interface Day {
  year: number;
  month: number;
  day: number;
  /** ISO weekday: 1 = Monday … 7 = Sunday. */
  weekday: number;
  hour: number;
  minute: number;
}

// Intl formatters are costly to build and cheap to use: one per time zone.
const formatters = new Map<string, Intl.DateTimeFormat | null>();
function formatter(timeZone: string): Intl.DateTimeFormat | null {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone,
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        hourCycle: 'h23',
      });
    } catch {
      f = null; // unknown zone: the caller falls back to Europe/Paris
    }
    formatters.set(timeZone, f);
  }
  return f;
}

function makeDay(year: number, month: number, day: number, hour = 12, minute = 0): Day {
  const d = new Date(Date.UTC(year, month - 1, day));
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    weekday: ((d.getUTCDay() + 6) % 7) + 1,
    hour,
    minute,
  };
}

export function addDays(d: Day, days: number): Day {
  return makeDay(d.year, d.month, d.day + days, d.hour, d.minute);
}

const before = (a: Day, b: Day): boolean =>
  a.year !== b.year ? a.year < b.year : a.month !== b.month ? a.month < b.month : a.day < b.day;

// Reading the wall clock through Intl costs microseconds; a turn's "now" repeats within a minute.
let lastZoned: { key: string; day: Day } | undefined;

/** "Today" in the territory: at 23:30 UTC it is already tomorrow in Paris. */
export function zonedNow(now: Date, timeZone: string): Day {
  const instant = Number.isNaN(now.getTime()) ? new Date() : now;
  const key = `${timeZone}|${Math.floor(instant.getTime() / 60_000)}`;
  if (lastZoned?.key === key) return lastZoned.day;
  const day = readWallClock(instant, timeZone);
  lastZoned = { key, day };
  return day;
}

function readWallClock(instant: Date, timeZone: string): Day {
  const f = formatter(timeZone) ?? formatter('Europe/Paris');
  if (!f) return makeDay(instant.getUTCFullYear(), instant.getUTCMonth() + 1, instant.getUTCDate());
  const parts: Record<string, number> = {};
  for (const p of f.formatToParts(instant)) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return makeDay(parts.year ?? 1970, parts.month ?? 1, parts.day ?? 1, parts.hour ?? 12, parts.minute ?? 0);
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
export const isoDate = (d: Day): string => `${pad(d.year, 4)}-${pad(d.month)}-${pad(d.day)}`;

const WEEKDAYS = prototypeless<number>({
  lundi: 1,
  mardi: 2,
  mercredi: 3,
  jeudi: 4,
  vendredi: 5,
  samedi: 6,
  dimanche: 7,
  monday: 1,
  tuesday: 2,
  wednesday: 3,
  thursday: 4,
  friday: 5,
  saturday: 6,
  sunday: 7,
});

const RELATIVE: [RegExp, number][] = [
  [/\b(?:apres[\s-]?demain|day after tomorrow)\b/, 2],
  [/\bavant[\s-]?hier\b/, -2],
  [
    /\b(?:aujourd\s*'?\s*hui|aujourdhui|auj|ajd|aujd|ajrd|ojd|ojrd|ojourdhui|today|tonight|ce soir|ce matin|cet? apres[\s-]?midi|this (?:morning|afternoon|evening)|maintenant|mtn|mnt|right now|en ce moment|actuellement)\b/,
    0,
  ],
  [/\b(?:demain|dmn|tomorrow|tmrw|tmr|2moro)\b/, 1],
  [/\b(?:hier|yesterday)\b/, -1],
];

const WEEKDAY_RE =
  /\b(?:(ce|this|next)\s+)?(lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|monday|tuesday|wednesday|thursday|friday|saturday|sunday)s?(?:\s+(prochaine?|qui vient|d'apres))?\b/;
const WEEKEND_RE = /\b(?:ce|this|le|the|cette fin de semaine)\s*(?:week[\s-]?end|we)\b/;

/** Gregorian Easter Sunday (anonymous algorithm). */
function easter(year: number): Day {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return makeDay(year, month, day);
}

type HolidayRule = (year: number) => Day;
const fixed =
  (month: number, day: number): HolidayRule =>
  (year) =>
    makeDay(year, month, day);
const fromEaster =
  (days: number): HolidayRule =>
  (year) =>
    addDays(easter(year), days);

// Longest phrases first ("lundi de paques" before "paques").
const HOLIDAYS: [RegExp, HolidayRule][] = [
  [/\blundi de (?:paques|paque)\b|\beaster monday\b/, fromEaster(1)],
  [/\blundi de pentecote\b|\bwhit monday\b/, fromEaster(50)],
  [/\b(?:paques|paque|easter)\b/, fromEaster(0)],
  [/\bpentecote\b/, fromEaster(49)],
  [/\bascension\b/, fromEaster(39)],
  [/\b(?:noel|christmas)\b/, fixed(12, 25)],
  [/\b(?:jour de l'?an|nouvel an|premier de l'an|new year'?s day)\b/, fixed(1, 1)],
  [/\btoussaint\b/, fixed(11, 1)],
  [/\b(?:fete nationale|bastille day)\b/, fixed(7, 14)],
  [/\bfete du travail\b/, fixed(5, 1)],
  [/\barmistice\b/, fixed(11, 11)],
  [/\bassomption\b/, fixed(8, 15)],
];

/** Next occurrence of a holiday, today included. */
function nextHoliday(rule: HolidayRule, today: Day): Day {
  const thisYear = rule(today.year);
  return before(thisYear, today) ? rule(today.year + 1) : thisYear;
}

function ownRules(folded: string, today: Day): DateHit | undefined {
  const found: { index: number; hit: DateHit }[] = [];
  for (const [re, days] of RELATIVE) {
    const m = re.exec(folded);
    if (m) {
      found.push({ index: m.index, hit: { value: isoDate(addDays(today, days)), text: m[0] } });
      break; // the list is ordered so that "après-demain" wins over "demain"
    }
  }
  // A holiday wins over the weekday inside it ("lundi de Pâques" is not just any Monday).
  let holiday: { start: number; end: number } | undefined;
  for (const [re, rule] of HOLIDAYS) {
    const m = re.exec(folded);
    if (m) {
      found.push({ index: m.index, hit: { value: isoDate(nextHoliday(rule, today)), text: m[0] } });
      holiday = { start: m.index, end: m.index + m[0].length };
      break;
    }
  }
  const w = WEEKDAY_RE.exec(folded);
  if (w && !(holiday && w.index >= holiday.start && w.index < holiday.end)) {
    const target = WEEKDAYS[w[2] ?? ''] ?? 1;
    // "samedi" on a Saturday is today; "samedi prochain" / "next Saturday" is the following one.
    const strictlyAfter = w[1] === 'next' || w[3] !== undefined;
    let delta = (target - today.weekday + 7) % 7;
    if (delta === 0 && strictlyAfter) delta = 7;
    found.push({ index: w.index, hit: { value: isoDate(addDays(today, delta)), text: w[0] } });
  }
  const we = WEEKEND_RE.exec(folded);
  if (we && !w) {
    const delta = today.weekday === 7 ? 0 : 6 - today.weekday;
    found.push({ index: we.index, hit: { value: isoDate(addDays(today, delta)), text: we[0] } });
  }
  found.sort((a, b) => a.index - b.index);
  return found[0]?.hit;
}

// chrono costs a few hundred microseconds: ask it only when an explicit date is plausible (a day
// number next to a month, a numeric date, "dans 3 jours", "semaine prochaine", "le 14").
const MONTHS =
  'janv(?:ier)?|fevr?(?:ier)?|mars|avr(?:il)?|mai|juin|juil(?:let)?|aout|sept(?:embre)?|oct(?:obre)?|nov(?:embre)?|dec(?:embre)?|jan(?:uary)?|feb(?:ruary)?|march|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:tember)?|october|november|december';
const EXPLICIT_DATE = new RegExp(
  [
    `\\b\\d{1,2}(?:er|st|nd|rd|th)?\\s*(?:de\\s+|of\\s+)?(?:${MONTHS})\\b`,
    `\\b(?:${MONTHS})\\.?\\s+\\d{1,2}(?!\\d)`,
    `\\b(?:premier|first)\\s+(?:${MONTHS})\\b`,
    '\\b\\d{1,2}[/.-]\\d{1,2}\\b',
    '\\b(?:dans|in)\\s+(?:\\d+|un|une|deux|trois|quatre|cinq|huit|quinze|a|one|two|three)\\s+(?:jours?|semaines?|mois|days?|weeks?|months?)\\b',
    '\\b(?:semaine|mois|week|month)\\s+(?:prochaine?|suivante?)\\b|\\bnext\\s+(?:week|month)\\b',
    '\\ble\\s+\\d{1,2}\\b',
  ].join('|'),
);

// Anything our own rules could use; when absent (most messages) no date work is done at all.
const DATE_HINT =
  /\b(?:apres[\s-]?demain|avant[\s-]?hier|aujourd|auj|ajd|ajrd|ojd|ojrd|ojourd|mtn|mnt|today|tonight|soir|matin|apres[\s-]?midi|morning|afternoon|evening|maintenant|now\b|moment|actuellement|demain|dmn|tomorrow|tmrw|tmr|2moro|hier|yesterday|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|monday|tuesday|wednesday|thursday|friday|saturday|sunday|week|we\b|paques?|easter|pentecote|whit|ascension|noel|christmas|nouvel an|jour de l|premier de l|new year|toussaint|fete|bastille|armistice|assomption)/;

function chronoDate(text: string, today: Day, language: Language): DateHit | undefined {
  // chrono computes in the process time zone: hand it the territory's wall-clock time and read back
  // the calendar components, so the result never depends on where the server runs.
  const ref = new Date(today.year, today.month - 1, today.day, today.hour, today.minute);
  // The message's language first, then the other (short messages are often misdetected).
  const parsers = language === 'en' ? [chrono.en, chrono.fr] : [chrono.fr, chrono.en];
  for (const parser of parsers) {
    for (const r of parser.parse(text, ref, { forwardDate: true })) {
      const c = r.start;
      if (!c.isCertain('day')) continue; // a bare time or month is not a date
      const year = c.get('year') ?? today.year;
      const month = c.get('month') ?? 1;
      const day = c.get('day') ?? 1;
      const d = makeDay(year, month, day);
      // Reject impossible dates chrono let through ("31/02" would roll over to March).
      if (d.month === month && d.day === day) return { value: isoDate(d), text: r.text };
    }
  }
  return undefined;
}

/**
 * The first date mentioned. `text` is the original text with already-consumed spans (references,
 * phones, addresses, times) blanked; `folded` is the same text lowercased without accents.
 */
export function findDate(
  text: string,
  folded: string,
  now: Date,
  timeZone: string,
  language: Language,
): DateHit | undefined {
  const normalised = folded.replace(/[’‘`´ʼ]/g, "'");
  const explicit = EXPLICIT_DATE.test(normalised);
  const spoken = findDayOfMonth(normalised);
  if (!explicit && !spoken && !DATE_HINT.test(normalised)) return undefined;
  const today = zonedNow(now, timeZone);
  // "le premier mai", "vingt-cinq décembre": words chrono does not read (speech-to-text writes them).
  if (spoken?.month !== undefined) return dayOfMonthHit(spoken, today);
  if (explicit) {
    const hit = chronoDate(text, today, language);
    if (hit) return hit;
  }
  // A bare "le 25" only when nothing else names a day ("le premier de l'an" is a holiday).
  return ownRules(normalised, today) ?? (spoken && dayOfMonthHit(spoken, today));
}

/** The next such day, today included: "le 25" this month or the next month that has one. */
function dayOfMonthHit(d: DayOfMonth, today: Day): DateHit | undefined {
  if (d.month !== undefined) {
    let year = d.year ?? today.year;
    let date = makeDay(year, d.month, d.day);
    if (date.month !== d.month) return undefined; // "31 février"
    if (d.year === undefined && before(date, today)) {
      year += 1;
      date = makeDay(year, d.month, d.day);
      if (date.month !== d.month) return undefined; // 29 February of a year that has none
    }
    return { value: isoDate(date), text: d.text };
  }
  for (let ahead = 0; ahead < 12; ahead++) {
    const month = today.month + ahead;
    const date = makeDay(today.year, month, d.day);
    const expectedMonth = ((month - 1) % 12) + 1;
    if (date.month === expectedMonth && !before(date, today)) return { value: isoDate(date), text: d.text };
  }
  return undefined;
}

/** Runs both chrono parsers once so that their lazily compiled patterns are ready before real traffic. */
export function warmUpDates(): void {
  const ref = new Date();
  for (let i = 0; i < 2; i++) {
    chrono.fr.parse('le lundi 14 juillet à 14h, dans 3 jours, 25/12', ref, { forwardDate: true });
    chrono.en.parse('on Monday December 25 at 2pm, in 3 days, 12/25', ref, { forwardDate: true });
  }
}
