// Answers about opening hours, in French and English, short enough for an SMS:
// "La déchetterie est ouverte en ce moment, jusqu'à 18 h."
// "Elle est fermée le mardi 14 juillet (jour férié). Prochaine ouverture : mercredi 15 juillet à 9 h."
import { isKnownFacilityKind } from '../territory/schema';
import {
  hoursOn,
  nextOpening,
  statusNow,
  type ClosedReason,
  type DayHours,
  type Schedule,
  type ScheduleContext,
} from './evaluate';
import { addWallDays, fromWall, toWall, wallDayStart, wallIsoDate } from './wall-clock';

export type Locale = 'fr' | 'en';

/** A facility as answers name it. */
export interface NamedSchedule extends Schedule {
  kind?: string;
  name: string;
  shortName?: { fr: string; en?: string };
  gender?: 'f' | 'm';
}

export interface PhrasingOptions {
  /** Start with "Elle"/"Il"/"It" instead of the facility's name (follow-up answers). */
  pronoun?: boolean;
}

const DAYS = {
  fr: ['dimanche', 'lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi'],
  en: ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'],
};
const MONTHS = {
  fr: [
    'janvier',
    'février',
    'mars',
    'avril',
    'mai',
    'juin',
    'juillet',
    'août',
    'septembre',
    'octobre',
    'novembre',
    'décembre',
  ],
  en: [
    'January',
    'February',
    'March',
    'April',
    'May',
    'June',
    'July',
    'August',
    'September',
    'October',
    'November',
    'December',
  ],
};

const capitalize = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
const at = <T>(list: readonly T[], i: number): T => list[i] as T;

/** "8 h 30", "12 h", "minuit" / "8:30 am", "12 pm", "midnight". */
export function formatClock(hhmm: string, locale: Locale): string {
  const [h = 0, m = 0] = hhmm.split(':').map(Number);
  if ((h === 0 || h === 24) && m === 0) return locale === 'fr' ? 'minuit' : 'midnight';
  const hour = h % 24;
  if (locale === 'fr') return m === 0 ? `${hour} h` : `${hour} h ${String(m).padStart(2, '0')}`;
  const h12 = hour % 12 === 0 ? 12 : hour % 12;
  const suffix = hour < 12 ? 'am' : 'pm';
  return m === 0 ? `${h12} ${suffix}` : `${h12}:${String(m).padStart(2, '0')} ${suffix}`;
}

/** "mercredi 15 juillet" / "Wednesday 15 July" for a territory date. */
export function formatDate(isoDate: string, locale: Locale): string {
  const d = wallDayStart(isoDate);
  const day = at(DAYS[locale], d.getDay());
  const month = at(MONTHS[locale], d.getMonth());
  const n = locale === 'fr' && d.getDate() === 1 ? '1er' : String(d.getDate());
  return `${day} ${n} ${month}`;
}

function relativeDay(isoDate: string, today: string, locale: Locale): string {
  const tomorrow = wallIsoDate(addWallDays(wallDayStart(today), 1));
  if (isoDate === today) return locale === 'fr' ? "aujourd'hui" : 'today';
  if (isoDate === tomorrow) return locale === 'fr' ? 'demain' : 'tomorrow';
  return formatDate(isoDate, locale);
}

/** "aujourd'hui à 14 h", "demain à 9 h", "mercredi 15 juillet à 9 h". */
export function formatInstant(instant: Date, zone: string, now: Date, locale: Locale): string {
  const wall = toWall(instant, zone);
  const day = relativeDay(wallIsoDate(wall), wallIsoDate(toWall(now, zone)), locale);
  const time = formatClock(`${wall.getHours()}:${wall.getMinutes()}`, locale);
  return locale === 'fr' ? `${day} à ${time}` : `${day} at ${time}`;
}

function gender(f: NamedSchedule): 'f' | 'm' {
  return f.gender ?? (f.kind !== undefined && isKnownFacilityKind(f.kind) ? 'f' : 'm');
}

function subject(f: NamedSchedule, locale: Locale, options: PhrasingOptions): string {
  if (options.pronoun) return locale === 'en' ? 'It' : gender(f) === 'f' ? 'Elle' : 'Il';
  return capitalize(locale === 'en' ? (f.shortName?.en ?? f.name) : (f.shortName?.fr ?? f.name));
}

const adjective = (f: NamedSchedule, open: boolean): string =>
  (open ? 'ouvert' : 'fermé') + (gender(f) === 'f' ? 'e' : '');

const withoutFinalDot = (s: string): string => s.trim().replace(/[.!]+$/, '');

function reasonText(reason: ClosedReason, locale: Locale): string {
  if (reason.kind === 'holiday') return locale === 'fr' ? 'jour férié' : 'public holiday';
  // Exception notes are short reasons written to follow "fermée (…)": "travaux", "veille de Noël".
  return withoutFinalDot(locale === 'en' ? (reason.noteEn ?? reason.note) : reason.note);
}

/** "jusqu'à 18 h", "jusqu'à minuit", "jusqu'à demain 2 h", "jusqu'au mercredi 15 juillet à 18 h". */
function untilText(until: Date, zone: string, now: Date, locale: Locale): string {
  const wall = toWall(until, zone);
  const today = wallIsoDate(toWall(now, zone));
  const day = wallIsoDate(wall);
  const clock = formatClock(`${wall.getHours()}:${wall.getMinutes()}`, locale);
  const midnightTonight = wall.getHours() === 0 && wall.getMinutes() === 0 && day === relativeIso(today, 1);
  if (day === today || midnightTonight) return locale === 'fr' ? `jusqu'à ${clock}` : `until ${clock}`;
  if (day === relativeIso(today, 1))
    return locale === 'fr' ? `jusqu'à demain ${clock}` : `until tomorrow ${clock}`;
  const date = formatDate(day, locale);
  return locale === 'fr' ? `jusqu'au ${date} à ${clock}` : `until ${date} at ${clock}`;
}

const relativeIso = (iso: string, days: number): string => wallIsoDate(addWallDays(wallDayStart(iso), days));

function nextOpenText(next: Date | undefined, zone: string, now: Date, locale: Locale): string {
  if (!next)
    return locale === 'fr' ? "Pas d'ouverture prévue dans l'année." : 'No opening is planned within a year.';
  const when = formatInstant(next, zone, now, locale);
  return locale === 'fr' ? `Prochaine ouverture : ${when}.` : `Next opening: ${when}.`;
}

/** Is it open now? "La déchetterie est ouverte en ce moment, jusqu'à 18 h." */
export function describeStatus(
  facility: NamedSchedule,
  ctx: ScheduleContext,
  now: Date,
  locale: Locale,
  options: PhrasingOptions = {},
): string {
  const s = statusNow(facility, ctx, now);
  const who = subject(facility, locale, options);
  const reason = s.today ? reasonText(s.today, locale) : undefined;
  if (s.open) {
    const until = s.until ? untilText(s.until, ctx.timeZone, now, locale) : undefined;
    const note = reason ? ` (${reason})` : '';
    if (locale === 'en') return `${who} is open now${until ? `, ${until}` : ''}${note}.`;
    return `${who} est ${adjective(facility, true)} en ce moment${until ? `, ${until}` : ''}${note}.`;
  }
  const next = nextOpenText(s.nextOpen, ctx.timeZone, now, locale);
  if (locale === 'en') return `${who} is closed ${reason ? `today (${reason})` : 'now'}. ${next}`;
  return `${who} est ${adjective(facility, false)} ${reason ? `aujourd'hui (${reason})` : 'en ce moment'}. ${next}`;
}

/** "de 9 h à 12 h et de 14 h à 18 h" / "from 9 am to 12 pm and from 2 pm to 6 pm". */
function rangesText(day: DayHours, locale: Locale): string {
  const parts = day.intervals.map((i) =>
    locale === 'fr'
      ? `de ${formatClock(i.from, locale)} à ${formatClock(i.to, locale)}`
      : `from ${formatClock(i.from, locale)} to ${formatClock(i.to, locale)}`,
  );
  const last = parts.pop();
  if (parts.length === 0) return last ?? '';
  return `${parts.join(', ')} ${locale === 'fr' ? 'et' : 'and'} ${last}`;
}

function dayReason(day: DayHours, facility: NamedSchedule): ClosedReason | undefined {
  if (day.exception) return { kind: 'exception', note: day.exception.note, noteEn: day.exception.noteEn };
  if (day.holiday && /\bPH\b/.test(facility.openingHours)) return { kind: 'holiday', name: day.holiday };
  return undefined;
}

/**
 * Hours on a given date: "Le mercredi 15 juillet, la déchetterie est ouverte de 9 h à 12 h et de 14 h à 18 h."
 * or "Elle est fermée le mardi 14 juillet (jour férié). Prochaine ouverture : mercredi 15 juillet à 9 h."
 */
export function describeDay(
  facility: NamedSchedule,
  ctx: ScheduleContext,
  isoDate: string,
  now: Date,
  locale: Locale,
  options: PhrasingOptions = {},
): string {
  const day = hoursOn(facility, ctx, isoDate);
  const today = wallIsoDate(toWall(now, ctx.timeZone));
  const rel = relativeDay(isoDate, today, locale);
  const isNamedDay = rel !== formatDate(isoDate, locale);
  const who = subject(facility, locale, options);
  const reason = dayReason(day, facility);
  const note = reason ? ` (${reasonText(reason, locale)})` : '';
  if (day.open) {
    if (locale === 'en')
      return `${isNamedDay ? capitalize(rel) : `On ${rel}`}, ${lowerFirst(who)} is open ${rangesText(day, locale)}${note}.`;
    const lead = isNamedDay ? capitalize(rel) : `Le ${rel}`;
    return `${lead}, ${lowerFirst(who)} est ${adjective(facility, true)} ${rangesText(day, locale)}${note}.`;
  }
  // Closed that day: say when it opens next after the start of that day (or after now, if later).
  const dayStart = fromWall(wallDayStart(isoDate), ctx.timeZone);
  const from = dayStart.getTime() > now.getTime() ? new Date(dayStart.getTime() - 1) : now;
  const next = nextOpenText(nextOpening(facility, ctx, from), ctx.timeZone, now, locale);
  if (locale === 'en') return `${who} is closed ${isNamedDay ? rel : `on ${rel}`}${note}. ${next}`;
  return `${who} est ${adjective(facility, false)} ${isNamedDay ? rel : `le ${rel}`}${note}. ${next}`;
}

/** Keeps proper names ("Mairie de Vernière") capitalized; lowercases articles ("La déchetterie"). */
function lowerFirst(who: string): string {
  return /^(La|Le|Les|L'|The)\b/.test(who) ? who.charAt(0).toLowerCase() + who.slice(1) : who;
}

/**
 * The next seven days from today, one line each: "Lundi : 8 h 30 – 12 h, 13 h 30 – 17 h", "Dimanche : fermé",
 * "Mardi 14 juillet : fermé (jour férié)". Dates are shown only on days that differ from the usual hours.
 */
export function weekSummary(
  facility: NamedSchedule,
  ctx: ScheduleContext,
  now: Date,
  locale: Locale,
): string[] {
  const start = wallDayStart(wallIsoDate(toWall(now, ctx.timeZone)));
  const lines: string[] = [];
  for (let i = 0; i < 7; i++) {
    const iso = wallIsoDate(addWallDays(start, i));
    const day = hoursOn(facility, ctx, iso);
    const reason = dayReason(day, facility);
    const label = capitalize(reason ? formatDate(iso, locale) : at(DAYS[locale], wallDayStart(iso).getDay()));
    const hours = day.open
      ? day.intervals.map((r) => `${formatClock(r.from, locale)} – ${formatClock(r.to, locale)}`).join(', ')
      : locale === 'fr'
        ? 'fermé'
        : 'closed';
    const note = reason ? ` (${reasonText(reason, locale)})` : '';
    lines.push(`${label}${locale === 'fr' ? ' : ' : ': '}${hours}${note}`);
  }
  return lines;
}
