import { msUntilTimeOfDay } from './time-of-day';

const HOUR = 3_600_000;
const at = (iso: string) => new Date(iso);

describe('the next run of a daily job at a time of day', () => {
  it('is later the same day, or the next day once the time has passed', () => {
    // 10:00 in Paris (UTC+1 in January).
    expect(msUntilTimeOfDay('12:15', 'Europe/Paris', at('2026-01-15T09:00:00Z'))).toBe(2.25 * HOUR);
    expect(msUntilTimeOfDay('03:30', 'Europe/Paris', at('2026-01-15T09:00:00Z'))).toBe(17.5 * HOUR);
    // Exactly at the time: the next day's, never a second run now.
    expect(msUntilTimeOfDay('10:00', 'Europe/Paris', at('2026-01-15T09:00:00Z'))).toBe(24 * HOUR);
  });

  it("keeps the territory's wall time across daylight saving changes", () => {
    // The night Paris moves to summer time (29 March 2026, 02:00 → 03:00): 03:30 CEST is 01:30 UTC.
    expect(msUntilTimeOfDay('03:30', 'Europe/Paris', at('2026-03-28T12:00:00Z'))).toBe(13.5 * HOUR);
    // A time in the gap (02:30 does not exist that night) runs when the clock shows 03:30.
    expect(msUntilTimeOfDay('02:30', 'Europe/Paris', at('2026-03-28T12:00:00Z'))).toBe(13.5 * HOUR);
    // Back to winter time (25 October 2026): 03:30 CET is 02:30 UTC.
    expect(msUntilTimeOfDay('03:30', 'Europe/Paris', at('2026-10-24T12:00:00Z'))).toBe(14.5 * HOUR);
    // Another territory's clock: 03:30 in La Réunion (UTC+4) is 23:30 UTC the day before.
    expect(msUntilTimeOfDay('03:30', 'Indian/Reunion', at('2026-01-15T09:00:00Z'))).toBe(14.5 * HOUR);
  });

  it('refuses what is not a time of day or a time zone', () => {
    expect(() => msUntilTimeOfDay('3h30', 'Europe/Paris', new Date())).toThrow(/HH:MM/);
    expect(() => msUntilTimeOfDay('24:00', 'Europe/Paris', new Date())).toThrow(/HH:MM/);
    expect(() => msUntilTimeOfDay('03:30', 'Europe/Lutece', new Date())).toThrow(/time zone/);
  });
});
