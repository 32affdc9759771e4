// The opening_hours library reads and writes Dates through their LOCAL fields (getHours, getDay, …), i.e. in
// the process's time zone, while servers run in UTC and territories live in Europe/Paris or America/Cayenne.
// So we evaluate on "wall-clock" Dates: Dates whose local fields equal the territory's wall time, and convert
// real instants to and from them with luxon in the territory's zone.
//
// Caveat: if the process itself runs in a zone with DST, wall times inside the PROCESS's DST gap cannot be
// represented; run servers with TZ=UTC (the default on most hosts and containers).
import { DateTime } from 'luxon';

/** The wall-clock Date for a real instant in `zone`. */
export function toWall(instant: Date, zone: string): Date {
  const t = DateTime.fromMillis(instant.getTime(), { zone });
  return new Date(t.year, t.month - 1, t.day, t.hour, t.minute, t.second, t.millisecond);
}

/**
 * The real instant of a wall-clock Date in `zone`. A wall time inside a DST gap (02:30 on the last Sunday of
 * March in Paris) moves forward by the gap; an ambiguous one (02:30 on the last Sunday of October) takes the
 * first occurrence.
 */
export function fromWall(wall: Date, zone: string): Date {
  return DateTime.fromObject(
    {
      year: wall.getFullYear(),
      month: wall.getMonth() + 1,
      day: wall.getDate(),
      hour: wall.getHours(),
      minute: wall.getMinutes(),
      second: wall.getSeconds(),
      millisecond: wall.getMilliseconds(),
    },
    { zone },
  ).toJSDate();
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** 'YYYY-MM-DD' of a wall-clock Date. */
export const wallIsoDate = (wall: Date): string =>
  `${wall.getFullYear()}-${pad(wall.getMonth() + 1)}-${pad(wall.getDate())}`;

/** 'HH:MM' of a wall-clock Date. */
export const wallTime = (wall: Date): string => `${pad(wall.getHours())}:${pad(wall.getMinutes())}`;

/** Midnight starting the wall day 'YYYY-MM-DD'. */
export function wallDayStart(isoDate: string): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  if (!m) throw new RangeError(`not an ISO date: "${isoDate}"`);
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (wallIsoDate(d) !== isoDate) throw new RangeError(`not a calendar date: "${isoDate}"`);
  return d;
}

/** Midnight of the wall day `days` after the day of `wall`. */
export const addWallDays = (wall: Date, days: number): Date =>
  new Date(wall.getFullYear(), wall.getMonth(), wall.getDate() + days);

/** The territory's calendar date of an instant. */
export const isoDateIn = (instant: Date, zone: string): string => wallIsoDate(toWall(instant, zone));
