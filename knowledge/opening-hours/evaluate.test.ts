import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEFAULT_TERRITORY_DIR, FIXTURE_TERRITORY_DIR, loadTerritories, type Territory } from '../territory';
import { hoursOn, isOpenAt, nextOpening, statusNow, type Schedule, type ScheduleContext } from './index';

const paris: ScheduleContext = { timeZone: 'Europe/Paris', holidays: { country: 'fr' } };
const cayenne: ScheduleContext = {
  timeZone: 'America/Cayenne',
  holidays: { country: 'fr', state: 'Guyane' },
};
const at = (iso: string): Date => new Date(iso);
const mairie: Schedule = { openingHours: 'Mo-Fr 08:30-12:00,13:30-17:30; Sa 09:00-12:00; PH off' };

let demo: Territory;
let other: Territory;
beforeAll(async () => {
  const catalog = await loadTerritories([DEFAULT_TERRITORY_DIR, FIXTURE_TERRITORY_DIR]);
  demo = catalog.get('val-de-loue') as Territory;
  other = catalog.get('autre-commune') as Territory;
});
const facility = (t: Territory, id: string) => {
  const f = t.facilities.find((x) => x.id === id);
  if (!f) throw new Error(`no facility ${id}`);
  return f;
};

describe('public holidays', () => {
  it('closes on 14 juillet and reopens the next morning', () => {
    const s = statusNow(mairie, paris, at('2026-07-14T08:00:00Z')); // Tuesday 10:00 in Paris
    expect(s.open).toBe(false);
    expect(s.today).toEqual({ kind: 'holiday', name: expect.stringMatching(/Fête Nationale/i) });
    expect(s.nextOpen).toEqual(at('2026-07-15T06:30:00Z'));
    const day = hoursOn(mairie, paris, '2026-07-14');
    expect(day.open).toBe(false);
    expect(day.intervals).toEqual([]);
    expect(day.holiday).toMatch(/Fête Nationale/i);
  });

  it('closes on 1er mai and on lundi de Pâques', () => {
    expect(isOpenAt(mairie, paris, at('2026-05-01T08:00:00Z'))).toBe(false); // Friday
    expect(nextOpening(mairie, paris, at('2026-05-01T08:00:00Z'))).toEqual(at('2026-05-02T07:00:00Z')); // Sat 9:00
    expect(hoursOn(mairie, paris, '2026-04-06')).toMatchObject({ open: false, holiday: 'Lundi de Pâques' });
    expect(hoursOn(mairie, paris, '2026-04-07').intervals).toEqual([
      { from: '08:30', to: '12:00' },
      { from: '13:30', to: '17:30' },
    ]);
  });

  it('follows the rule when it does not mention PH', () => {
    expect(isOpenAt({ openingHours: 'Mo-Fr 08:30-12:00' }, paris, at('2026-07-14T08:00:00Z'))).toBe(true);
  });

  it("uses the overseas region's own holidays (10 juin in Guyane, not in Paris)", () => {
    const m = facility(other, 'mairie-pointe-aux-herons');
    expect(hoursOn(m, cayenne, '2026-06-10')).toMatchObject({
      open: false,
      holiday: expect.stringMatching(/esclavage/),
    });
    expect(hoursOn(mairie, paris, '2026-06-10').open).toBe(true);
  });
});

describe('dated exceptions', () => {
  const works: Schedule = {
    openingHours: mairie.openingHours,
    exceptions: [
      { from: '2026-07-20', to: '2026-07-25', openingHours: 'off', note: 'travaux' },
      { from: '2026-12-24', openingHours: '09:00-12:00', note: 'veille de Noël' },
    ],
  };

  it('closes the whole week of works and reopens the Monday after', () => {
    const s = statusNow(works, paris, at('2026-07-22T08:00:00Z'));
    expect(s.open).toBe(false);
    expect(s.today).toEqual({ kind: 'exception', note: 'travaux' });
    expect(s.nextOpen).toEqual(at('2026-07-27T06:30:00Z'));
    expect(hoursOn(works, paris, '2026-07-25')).toMatchObject({
      open: false,
      exception: { note: 'travaux' },
    });
    expect(hoursOn(works, paris, '2026-07-27').open).toBe(true);
  });

  it('replaces the usual hours on the exception day only', () => {
    expect(hoursOn(works, paris, '2026-12-24').intervals).toEqual([{ from: '09:00', to: '12:00' }]);
    expect(isOpenAt(works, paris, at('2026-12-24T13:00:00Z'))).toBe(false); // Thursday 14:00, usually open
    expect(statusNow(works, paris, at('2026-12-24T10:00:00Z'))).toMatchObject({
      open: true,
      until: at('2026-12-24T11:00:00Z'),
    });
    expect(isOpenAt(works, paris, at('2026-12-23T13:00:00Z'))).toBe(true);
  });

  it('applies the demo médiathèque closure for works', () => {
    const m = facility(demo, 'mediatheque-la-passerelle');
    const s = statusNow(m, demo, at('2027-01-06T10:00:00Z')); // Wednesday, usually open
    expect(s.open).toBe(false);
    expect(s.today?.kind).toBe('exception');
    expect(s.nextOpen).toEqual(at('2027-01-12T13:00:00Z')); // Tuesday 14:00
  });
});

describe('around midnight', () => {
  const evening: Schedule = { openingHours: 'Mo-Sa 18:00-24:00' };
  const night: Schedule = { openingHours: 'Fr,Sa 22:00-02:00' };

  it('is open at 23:59 until midnight, and closed at midnight', () => {
    expect(statusNow(evening, paris, at('2026-07-13T21:59:00Z'))).toEqual({
      open: true,
      until: at('2026-07-13T22:00:00Z'),
    });
    expect(statusNow(evening, paris, at('2026-07-13T22:00:00Z'))).toEqual({
      open: false,
      nextOpen: at('2026-07-14T16:00:00Z'),
    });
    expect(hoursOn(evening, paris, '2026-07-13').intervals).toEqual([{ from: '18:00', to: '24:00' }]);
  });

  it('keeps an overnight opening open across midnight', () => {
    expect(statusNow(night, paris, at('2026-07-17T21:59:00Z'))).toEqual({
      open: true,
      until: at('2026-07-18T00:00:00Z'),
    });
    expect(isOpenAt(night, paris, at('2026-07-17T22:00:00Z'))).toBe(true); // Saturday 00:00
    expect(hoursOn(night, paris, '2026-07-18').intervals).toEqual([
      { from: '00:00', to: '02:00' },
      { from: '22:00', to: '24:00' },
    ]);
  });
});

describe('daylight saving time changes in Europe/Paris', () => {
  const mornings: Schedule = { openingHours: 'Mo-Su 08:00-12:00' };
  const smallHours: Schedule = { openingHours: 'Su 01:00-04:00' };

  it('last Sunday of March: opens at 08:00 summer time', () => {
    expect(isOpenAt(mornings, paris, at('2026-03-28T06:30:00Z'))).toBe(false); // 07:30 CET
    expect(nextOpening(mornings, paris, at('2026-03-28T06:30:00Z'))).toEqual(at('2026-03-28T07:00:00Z'));
    expect(statusNow(mornings, paris, at('2026-03-29T06:30:00Z'))).toEqual({
      open: true,
      until: at('2026-03-29T10:00:00Z'),
    });
    // 01:00 CET → 04:00 CEST lasts two real hours.
    expect(statusNow(smallHours, paris, at('2026-03-29T00:30:00Z'))).toEqual({
      open: true,
      until: at('2026-03-29T02:00:00Z'),
    });
    expect(hoursOn(smallHours, paris, '2026-03-29').intervals).toEqual([{ from: '01:00', to: '04:00' }]);
  });

  it('last Sunday of October: opens at 08:00 winter time', () => {
    expect(isOpenAt(mornings, paris, at('2026-10-25T06:59:00Z'))).toBe(false); // 07:59 CET
    expect(nextOpening(mornings, paris, at('2026-10-25T06:59:00Z'))).toEqual(at('2026-10-25T07:00:00Z'));
    expect(statusNow(mornings, paris, at('2026-10-24T06:00:00Z'))).toEqual({
      open: true,
      until: at('2026-10-24T10:00:00Z'),
    });
    // 01:00 CEST → 04:00 CET lasts four real hours.
    expect(statusNow(smallHours, paris, at('2026-10-24T23:30:00Z'))).toEqual({
      open: true,
      until: at('2026-10-25T03:00:00Z'),
    });
  });

  it('gives the next opening of the demo déchetterie across the March change', () => {
    const d = facility(demo, 'dechetterie-pres-bas');
    // Sunday 29 March (closed) → Monday 30 March 14:00 CEST = 12:00 UTC.
    expect(statusNow(d, demo, at('2026-03-29T09:00:00Z'))).toEqual({
      open: false,
      nextOpen: at('2026-03-30T12:00:00Z'),
    });
  });
});

describe('an overseas time zone (America/Cayenne, UTC-3)', () => {
  it('opens at 07:30 local time', () => {
    const m = facility(other, 'mairie-pointe-aux-herons');
    expect(isOpenAt(m, other, at('2026-06-11T10:29:00Z'))).toBe(false);
    expect(statusNow(m, other, at('2026-06-11T10:30:00Z'))).toEqual({
      open: true,
      until: at('2026-06-11T16:30:00Z'),
    });
  });
});

describe('everyday questions', () => {
  it('says until what time it is open today', () => {
    const d = facility(demo, 'dechetterie-pres-bas');
    expect(statusNow(d, demo, at('2026-07-13T14:00:00Z'))).toEqual({
      open: true,
      until: at('2026-07-13T16:00:00Z'),
    });
  });

  it('finds the next opening across a weekend', () => {
    const m = facility(demo, 'mairie-montcey-sur-loue');
    // Saturday 12:30 → Monday 08:30.
    expect(statusNow(m, demo, at('2026-07-11T10:30:00Z'))).toEqual({
      open: false,
      nextOpen: at('2026-07-13T06:30:00Z'),
    });
    // When open now, the next opening is after the current one.
    expect(nextOpening(m, demo, at('2026-07-10T09:00:00Z'))).toEqual(at('2026-07-10T11:30:00Z'));
  });

  it('follows the seasons of the swimming pool', () => {
    const p = facility(demo, 'piscine-les-tilleuls');
    expect(isOpenAt(p, demo, at('2026-07-15T09:00:00Z'))).toBe(true); // summer, Wednesday 11:00
    expect(statusNow(p, demo, at('2026-10-14T09:00:00Z'))).toEqual({
      open: false,
      nextOpen: at('2026-10-14T12:00:00Z'), // school period: Wednesday 14:00
    });
  });

  it('does not depend on the time zone of the server', () => {
    // process.env.TZ cannot be changed inside a jest worker: evaluate in child processes instead.
    const dir = mkdtempSync(path.join(tmpdir(), 'tz-'));
    const script = path.join(dir, 'status.ts');
    writeFileSync(
      script,
      `import { statusNow, hoursOn } from ${JSON.stringify(path.join(__dirname, 'index'))};
      const ctx = { timeZone: 'Europe/Paris', holidays: { country: 'fr' } };
      const f = { openingHours: ${JSON.stringify(mairie.openingHours)} };
      const at = ['2026-07-13T14:00:00Z', '2026-07-14T08:00:00Z', '2026-07-11T10:30:00Z', '2026-03-29T06:30:00Z'];
      console.log(JSON.stringify([at.map((i) => statusNow(f, ctx, new Date(i))), hoursOn(f, ctx, '2026-07-13')]));`,
    );
    const run = (tz: string): unknown => {
      const out = execFileSync(process.execPath, [require.resolve('tsx/cli'), script], {
        env: { ...process.env, TZ: tz },
        encoding: 'utf8',
      });
      return JSON.parse(out) as unknown;
    };
    let utc: unknown;
    try {
      utc = run('UTC');
      expect(run('Asia/Tokyo')).toEqual(utc);
      expect(run('America/New_York')).toEqual(utc);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(utc).toEqual([
      [
        { open: true, until: '2026-07-13T15:30:00.000Z' },
        {
          open: false,
          nextOpen: '2026-07-15T06:30:00.000Z',
          today: { kind: 'holiday', name: expect.any(String) },
        },
        { open: false, nextOpen: '2026-07-13T06:30:00.000Z' },
        { open: false, nextOpen: '2026-03-30T06:30:00.000Z' },
      ],
      expect.objectContaining({
        intervals: [
          { from: '08:30', to: '12:00' },
          { from: '13:30', to: '17:30' },
        ],
      }),
    ]);
  }, 30000);
});
