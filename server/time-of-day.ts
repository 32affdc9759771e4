// A daily job's next run at a time of day on a territory's clock ("03:30" in Europe/Paris), for the jobs a
// platform runs at a quiet hour rather than at a fixed interval from its start.
import { DateTime } from 'luxon';

/** "HH:MM", 00:00 to 23:59. */
export const TIME_OF_DAY = /^([01]\d|2[0-3]):([0-5]\d)$/;

/**
 * Milliseconds from `now` to the next `at` (HH:MM) in `timeZone`, strictly later than now. Days are counted on
 * the local calendar, so a daylight-saving change keeps the wall time; a time that does not exist that day (in
 * the spring gap) is taken an hour later, as the clock shows it.
 */
export function msUntilTimeOfDay(at: string, timeZone: string, now: Date): number {
  const match = TIME_OF_DAY.exec(at);
  if (!match) throw new Error(`not a time of day (HH:MM): ${at}`);
  const [hour, minute] = [Number(match[1]), Number(match[2])];
  const local = DateTime.fromJSDate(now, { zone: timeZone });
  if (!local.isValid) throw new Error(`unknown time zone: ${timeZone}`);
  const on = (day: DateTime) => day.set({ hour, minute, second: 0, millisecond: 0 });
  let next = on(local);
  if (next.toMillis() <= now.getTime()) next = on(local.plus({ days: 1 }));
  return next.toMillis() - now.getTime();
}
