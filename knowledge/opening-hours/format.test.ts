import { DEFAULT_TERRITORY_DIR, loadTerritories, type Territory } from '../territory';
import { describeDay, describeStatus, formatClock, weekSummary, type NamedSchedule } from './index';

const at = (iso: string): Date => new Date(iso);
let demo: Territory;
beforeAll(async () => {
  demo = (await loadTerritories(DEFAULT_TERRITORY_DIR)).default();
});
const facility = (id: string) => {
  const f = demo.facilities.find((x) => x.id === id);
  if (!f) throw new Error(`no facility ${id}`);
  return f;
};

describe('describeStatus', () => {
  it('says until when it is open', () => {
    const d = facility('dechetterie-pres-bas');
    const now = at('2026-07-13T14:00:00Z'); // Monday 16:00
    expect(describeStatus(d, demo, now, 'fr')).toBe("La déchetterie est ouverte en ce moment, jusqu'à 18 h.");
    expect(describeStatus(d, demo, now, 'en')).toBe('The recycling centre is open now, until 6 pm.');
  });

  it('explains a holiday closure and gives the next opening', () => {
    const d = facility('dechetterie-pres-bas');
    const now = at('2026-07-14T08:00:00Z');
    expect(describeStatus(d, demo, now, 'fr')).toBe(
      "La déchetterie est fermée aujourd'hui (jour férié). Prochaine ouverture : demain à 9 h.",
    );
    expect(describeStatus(d, demo, now, 'en')).toBe(
      'The recycling centre is closed today (public holiday). Next opening: tomorrow at 9 am.',
    );
  });

  it('names the day of the next opening across a weekend, with minutes', () => {
    const m = facility('mairie-montcey-sur-loue');
    expect(describeStatus(m, demo, at('2026-07-11T10:30:00Z'), 'fr')).toBe(
      'La mairie de Montcey-sur-Loue est fermée en ce moment. Prochaine ouverture : lundi 13 juillet à 8 h 30.',
    );
  });

  it('mentions a shortened day and an exceptional closure', () => {
    const d = facility('dechetterie-pres-bas');
    expect(describeStatus(d, demo, at('2026-12-24T10:00:00Z'), 'fr')).toBe(
      "La déchetterie est ouverte en ce moment, jusqu'à 12 h (veille de Noël, le matin seulement).",
    );
    const p = facility('piscine-les-tilleuls');
    expect(describeStatus(p, demo, at('2026-12-22T10:00:00Z'), 'fr')).toBe(
      "La piscine est fermée aujourd'hui (vidange technique annuelle). Prochaine ouverture : mardi 5 janvier à 12 h.",
    );
  });

  it('says "minuit" and "demain" for late closings', () => {
    const bar: NamedSchedule = {
      name: 'Le gymnase',
      kind: 'gymnase',
      openingHours: 'Mo-Sa 18:00-24:00; Fr 22:00-02:00',
    };
    const ctx = { timeZone: 'Europe/Paris', holidays: { country: 'fr' } };
    expect(describeStatus(bar, ctx, at('2026-07-13T21:59:00Z'), 'fr')).toBe(
      "Le gymnase est ouvert en ce moment, jusqu'à minuit.",
    );
    expect(describeStatus(bar, ctx, at('2026-07-17T21:30:00Z'), 'fr')).toBe(
      "Le gymnase est ouvert en ce moment, jusqu'à demain 2 h.",
    );
    expect(describeStatus(bar, ctx, at('2026-07-17T21:30:00Z'), 'en')).toBe(
      'Le gymnase is open now, until tomorrow 2 am.',
    );
  });
});

describe('describeDay', () => {
  it('answers about a holiday with the next opening', () => {
    const d = facility('dechetterie-pres-bas');
    expect(describeDay(d, demo, '2026-07-14', at('2026-07-10T08:00:00Z'), 'fr', { pronoun: true })).toBe(
      'Elle est fermée le mardi 14 juillet (jour férié). Prochaine ouverture : mercredi 15 juillet à 9 h.',
    );
    expect(describeDay(d, demo, '2026-07-14', at('2026-07-10T08:00:00Z'), 'en', { pronoun: true })).toBe(
      'It is closed on Tuesday 14 July (public holiday). Next opening: Wednesday 15 July at 9 am.',
    );
  });

  it('lists the hours of an open day', () => {
    const d = facility('dechetterie-pres-bas');
    expect(describeDay(d, demo, '2026-07-15', at('2026-07-10T08:00:00Z'), 'fr')).toBe(
      'Le mercredi 15 juillet, la déchetterie est ouverte de 9 h à 12 h et de 14 h à 18 h.',
    );
    expect(describeDay(d, demo, '2026-07-15', at('2026-07-14T08:00:00Z'), 'fr')).toBe(
      'Demain, la déchetterie est ouverte de 9 h à 12 h et de 14 h à 18 h.',
    );
    expect(describeDay(d, demo, '2026-07-15', at('2026-07-10T08:00:00Z'), 'en')).toBe(
      'On Wednesday 15 July, the recycling centre is open from 9 am to 12 pm and from 2 pm to 6 pm.',
    );
  });

  it('fits in one SMS segment', () => {
    const answers = demo.facilities.flatMap((f) => [
      describeStatus(f, demo, at('2026-07-14T08:00:00Z'), 'fr'),
      describeDay(f, demo, '2026-07-14', at('2026-07-10T08:00:00Z'), 'fr'),
      describeDay(f, demo, '2027-01-05', at('2027-01-02T08:00:00Z'), 'fr'),
    ]);
    for (const a of answers) expect(a.length).toBeLessThanOrEqual(160);
  });
});

describe('weekSummary', () => {
  it('gives seven lines from today, dated only when the day is special', () => {
    const m = facility('mairie-montcey-sur-loue');
    expect(weekSummary(m, demo, at('2026-07-13T10:00:00Z'), 'fr')).toEqual([
      'Lundi : 8 h 30 – 12 h, 13 h 30 – 17 h 30',
      'Mardi 14 juillet : fermé (jour férié)',
      'Mercredi : 8 h 30 – 12 h, 13 h 30 – 17 h 30',
      'Jeudi : 8 h 30 – 12 h, 13 h 30 – 17 h 30',
      'Vendredi : 8 h 30 – 12 h, 13 h 30 – 17 h 30',
      'Samedi : 9 h – 12 h',
      'Dimanche : fermé',
    ]);
    expect(weekSummary(m, demo, at('2026-07-13T10:00:00Z'), 'en')[1]).toBe(
      'Tuesday 14 July: closed (public holiday)',
    );
  });

  it('shows a closure for works', () => {
    const lines = weekSummary(facility('mediatheque-la-passerelle'), demo, at('2027-01-04T10:00:00Z'), 'fr');
    expect(lines[0]).toBe('Lundi 4 janvier : fermé (travaux et inventaire)');
    expect(lines[6]).toBe('Dimanche : fermé');
  });
});

describe('formatClock', () => {
  it.each([
    ['08:30', '8 h 30', '8:30 am'],
    ['12:00', '12 h', '12 pm'],
    ['18:05', '18 h 05', '6:05 pm'],
    ['24:00', 'minuit', 'midnight'],
  ])('%s', (hhmm, fr, en) => {
    expect(formatClock(hhmm, 'fr')).toBe(fr);
    expect(formatClock(hhmm, 'en')).toBe(en);
  });
});
