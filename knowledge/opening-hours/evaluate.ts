// Opening-hours evaluation: the `opening_hours` library does the rules (including PH = French public
// holidays of the territory's region); this module adds the territory time zone and the facility's dated
// exceptions, which replace the regular rule on the days they cover. All functions are pure (`now` is given).
import type { FacilityException, GeoCoordinates } from '../territory/schema';
import { parseOpeningHours, publicHolidayName, type HolidayRegion } from './library';
import { addWallDays, fromWall, toWall, wallDayStart, wallIsoDate, wallTime } from './wall-clock';

/** What is evaluated: a facility, or any schedule (agents' hours, the territory's counter). */
export interface Schedule {
  openingHours: string;
  exceptions?: readonly FacilityException[];
  location?: GeoCoordinates;
}

/** The territory fields evaluation needs. */
export interface ScheduleContext {
  timeZone: string;
  holidays: HolidayRegion;
  center?: GeoCoordinates;
}

export interface OpenInterval {
  start: Date;
  end: Date;
  /** The rule says "unknown" (e.g. "sur rendez-vous"): not counted as open. */
  unknown: boolean;
  comment?: string;
}

export type ClosedReason =
  { kind: 'holiday'; name: string } | { kind: 'exception'; note: string; noteEn?: string };

export interface Status {
  open: boolean;
  /** When open: the end of the current opening (consecutive intervals merged); absent when open all the horizon. */
  until?: Date;
  /** When closed: the next opening within a year. */
  nextOpen?: Date;
  /** Why today differs from the usual hours, when it does. */
  today?: ClosedReason;
}

export interface DayHours {
  date: string;
  open: boolean;
  /** Wall-clock times in the territory ('08:30'), `to` may be '24:00'. */
  intervals: { from: string; to: string; comment?: string }[];
  /** "Unknown" slots, e.g. afternoons by appointment, with the rule's comment. */
  byAppointment: { from: string; to: string; comment?: string }[];
  /** The public holiday name when the date is one in the territory's region. */
  holiday?: string;
  /** The facility exception covering that date. */
  exception?: FacilityException;
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** A closed facility reopens within a year (seasonal pools) or it is reported as not reopening. */
const HORIZON_DAYS = 366;

function locationOf(schedule: Schedule, ctx: ScheduleContext): GeoCoordinates | undefined {
  return schedule.location ?? ctx.center;
}

/** The exception covering a wall date (the last listed wins when they overlap). */
function exceptionOn(schedule: Schedule, isoDate: string): FacilityException | undefined {
  let found: FacilityException | undefined;
  for (const x of schedule.exceptions ?? []) if (x.from <= isoDate && isoDate <= (x.to ?? x.from)) found = x;
  return found;
}

function ruleValue(schedule: Schedule, exception: FacilityException | undefined): string {
  return exception ? exception.openingHours : schedule.openingHours;
}

/** Open intervals in wall-clock time over [from, to), exceptions applied, adjacent intervals merged. */
function wallIntervals(schedule: Schedule, ctx: ScheduleContext, from: Date, to: Date): OpenInterval[] {
  const raw: OpenInterval[] = [];
  let cursor = from;
  while (cursor < to) {
    const exception = exceptionOn(schedule, wallIsoDate(cursor));
    // A segment: consecutive days under the same rule, evaluated in one library call.
    let end = addWallDays(cursor, 1);
    while (end < to && exceptionOn(schedule, wallIsoDate(end)) === exception) end = addWallDays(end, 1);
    if (end > to) end = to;
    const value = ruleValue(schedule, exception);
    if (value !== 'off') {
      const oh = parseOpeningHours(value, ctx.holidays, locationOf(schedule, ctx));
      for (const [start, stop, unknown, comment] of oh.getOpenIntervals(cursor, end))
        raw.push({ start, end: stop, unknown, comment });
    }
    cursor = end;
  }
  const merged: OpenInterval[] = [];
  for (const i of raw) {
    const last = merged[merged.length - 1];
    if (last && last.end.getTime() === i.start.getTime() && last.unknown === i.unknown) last.end = i.end;
    else merged.push({ ...i });
  }
  return merged;
}

/** Open intervals as real instants over [from, to). */
export function openIntervals(
  schedule: Schedule,
  ctx: ScheduleContext,
  from: Date,
  to: Date,
): OpenInterval[] {
  const z = ctx.timeZone;
  return wallIntervals(schedule, ctx, toWall(from, z), toWall(to, z)).map((i) => ({
    ...i,
    start: fromWall(i.start, z),
    end: fromWall(i.end, z),
  }));
}

export function isOpenAt(schedule: Schedule, ctx: ScheduleContext, instant: Date): boolean {
  const wall = toWall(instant, ctx.timeZone);
  const value = ruleValue(schedule, exceptionOn(schedule, wallIsoDate(wall)));
  if (value === 'off') return false;
  return parseOpeningHours(value, ctx.holidays, locationOf(schedule, ctx)).getState(wall);
}

/** Search windows from `from`: most answers are within a week, seasonal ones within a year. */
function* windows(from: Date): Generator<[Date, Date]> {
  let start = from;
  for (const days of [8, 31, HORIZON_DAYS]) {
    const end = new Date(from.getTime() + days * DAY_MS);
    yield [start, end];
    start = end;
  }
}

/** The first opening starting at or after `from`, given that the schedule is closed at `from`. */
function firstOpeningFrom(schedule: Schedule, ctx: ScheduleContext, from: Date): Date | undefined {
  for (const [start, end] of windows(from)) {
    const first = openIntervals(schedule, ctx, start, end).find((i) => !i.unknown);
    if (first) return first.start;
  }
  return undefined;
}

/** When the current opening ends (consecutive intervals merged), or undefined when open the whole horizon. */
function closingTime(schedule: Schedule, ctx: ScheduleContext, now: Date): Date | undefined {
  let current: OpenInterval | undefined;
  for (const [from, to] of windows(now)) {
    for (const i of openIntervals(schedule, ctx, from, to)) {
      if (i.unknown) continue;
      if (!current) current = i;
      else if (i.start.getTime() === current.end.getTime()) current = { ...current, end: i.end };
      else return current.end;
    }
    if (current && current.end.getTime() < to.getTime()) return current.end;
  }
  return undefined;
}

/** The next opening strictly after `now` (after the current opening when open now). */
export function nextOpening(schedule: Schedule, ctx: ScheduleContext, now: Date): Date | undefined {
  if (!isOpenAt(schedule, ctx, now)) return firstOpeningFrom(schedule, ctx, now);
  const closes = closingTime(schedule, ctx, now);
  return closes ? firstOpeningFrom(schedule, ctx, closes) : undefined;
}

const wallNoon = (isoDate: string): Date => {
  const d = wallDayStart(isoDate);
  return new Date(d.getFullYear(), d.getMonth(), d.getDate(), 12);
};

function reasonOn(schedule: Schedule, ctx: ScheduleContext, isoDate: string): ClosedReason | undefined {
  const exception = exceptionOn(schedule, isoDate);
  if (exception) return { kind: 'exception', note: exception.note, noteEn: exception.noteEn };
  const holiday = publicHolidayName(wallNoon(isoDate), ctx.holidays);
  // A holiday only explains the day when the regular rule mentions PH (otherwise the hours are as usual).
  return holiday && /\bPH\b/.test(schedule.openingHours) ? { kind: 'holiday', name: holiday } : undefined;
}

export function statusNow(schedule: Schedule, ctx: ScheduleContext, now: Date): Status {
  const today = reasonOn(schedule, ctx, wallIsoDate(toWall(now, ctx.timeZone)));
  const withReason = <T extends object>(s: T): T & { today?: ClosedReason } => (today ? { ...s, today } : s);
  if (isOpenAt(schedule, ctx, now)) {
    const until = closingTime(schedule, ctx, now);
    return withReason(until ? { open: true, until } : { open: true });
  }
  const nextOpen = nextOpening(schedule, ctx, now);
  return withReason(nextOpen ? { open: false, nextOpen } : { open: false });
}

/** The hours of one calendar day ('YYYY-MM-DD' in the territory). */
export function hoursOn(schedule: Schedule, ctx: ScheduleContext, isoDate: string): DayHours {
  const start = wallDayStart(isoDate);
  const end = addWallDays(start, 1);
  const slots = wallIntervals(schedule, ctx, start, end);
  const fmt = (i: OpenInterval) => ({
    from: wallTime(i.start),
    to: i.end.getTime() >= end.getTime() ? '24:00' : wallTime(i.end),
    ...(i.comment ? { comment: i.comment } : {}),
  });
  const intervals = slots.filter((i) => !i.unknown).map(fmt);
  const holiday = publicHolidayName(wallNoon(isoDate), ctx.holidays);
  const exception = exceptionOn(schedule, isoDate);
  return {
    date: isoDate,
    open: intervals.length > 0,
    intervals,
    byAppointment: slots.filter((i) => i.unknown).map(fmt),
    ...(holiday ? { holiday } : {}),
    ...(exception ? { exception } : {}),
  };
}
