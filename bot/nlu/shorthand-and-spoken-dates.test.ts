// Issue 19, point 5: SMS shortenings of the key words of a question ("horR", "dchtri", "ojd", "kan", "koi",
// "mtn") must not break its intent, and days said in words on the phone ("le premier mai", "le vingt-cinq
// décembre") or typed as a bare follow-up ("et le 25 ?") are dates. Many variants, not the issue's sentences.
import { createNlu, type AnalyzeOptions } from './index';
import { findDayOfMonth, SPOKEN_DAYS } from './entities/day-of-month';

const nlu = createNlu({ warmUp: false });
// Saturday 5 December 2026, 10:30 in Paris.
const NOW: AnalyzeOptions = { now: new Date('2026-12-05T09:30:00Z'), timeZone: 'Europe/Paris' };
const analyze = (text: string) => nlu.analyze(text, NOW);
const entity = (text: string, type: string) => analyze(text).entities.find((e) => e.type === type)?.value;

describe('SMS shorthand of key words keeps the opening-hours intent and the place', () => {
  const hours = ['horR', 'horr', 'hor', 'oraire', 'horaire', 'hrR', 'horairs'];
  const places: [string, string][] = [
    ['dechetri', 'dechetterie'],
    ['dchtri', 'dechetterie'],
    ['dchetri', 'dechetterie'],
    ['dechtrie', 'dechetterie'],
    ['mediatek', 'mediatheque'],
    ['mdiatek', 'mediatheque'],
    ['pisine', 'piscine'],
    ['pscine', 'piscine'],
    ['mairi', 'mairie'],
  ];
  const frames = [
    (h: string, p: string) => `c koi les ${h} de la ${p}`,
    (h: string, p: string) => `${h} ${p} ojd`,
    (h: string, p: string) => `slt kel ${h} pr la ${p} stp`,
  ];
  const cases = hours.flatMap((h, i) =>
    places.map(([p, kind], j) => [frames[(i + j) % frames.length]!(h, p), kind] as const),
  );
  it.each(cases)('"%s" → opening_hours, %s', (text, kind) => {
    const result = analyze(text);
    expect(result.intent).toBe('opening_hours');
    expect(result.entities.find((e) => e.type === 'facility')?.value).toBe(kind);
  });

  it.each([
    'kan ouvre la dchtri ojd',
    'kant ouvre la dechetri',
    'la piscine é ouvrt mtn ?',
    'esk la mairi est ouvr mtn',
    'c ouvert kan la mediatek',
  ])('"%s" → opening_hours', (text) => {
    expect(analyze(text).intent).toBe('opening_hours');
  });

  it.each([
    ['ojd', '2026-12-05'],
    ['ojrd', '2026-12-05'],
    ['mtn', '2026-12-05'],
    ['dmn', '2026-12-06'],
  ])('"horR dechetri %s" reads the day %s', (word, iso) => {
    expect(entity(`horR dechetri ${word}`, 'date')).toBe(iso);
  });
});

describe('days said in words, and a bare "le 25"', () => {
  it('knows every day of the month from "premier" to "trente et un"', () => {
    const days = new Set(Object.values(SPOKEN_DAYS));
    for (let d = 1; d <= 31; d++) expect(days.has(d)).toBe(true);
  });

  it.each([
    ['le premier mai', '2027-05-01'],
    ['la mairie est ouverte le premier janvier ?', '2027-01-01'],
    ['et le deux janvier ?', '2027-01-02'],
    ['le vingt-cinq décembre', '2026-12-25'],
    ['le vingt cinq decembre', '2026-12-25'],
    ['euh le trente et un décembre', '2026-12-31'],
    ['le vingt et un mars', '2027-03-21'],
    ['le dix-sept juin', '2027-06-17'],
    ['le quinze août', '2027-08-15'],
    ['le sept mai', '2027-05-07'],
    ['le 5 décembre', '2026-12-05'],
    ['le 1er', '2027-01-01'],
    ['et le 25 ?', '2026-12-25'],
    ['et le 3 ?', '2027-01-03'],
    ['le vingt-huit ?', '2026-12-28'],
  ])('"%s" → %s', (text, iso) => {
    expect(entity(text, 'date')).toBe(iso);
  });

  it('a bare "le 31" skips the months without one', () => {
    const november: AnalyzeOptions = { now: new Date('2026-11-15T10:00:00Z'), timeZone: 'Europe/Paris' };
    expect(nlu.analyze('et le 31 ?', november).entities.find((e) => e.type === 'date')?.value).toBe(
      '2026-12-31',
    );
  });

  it.each(['le 25 ?', 'le vingt-cinq', 'et le 3 ?', 'le premier mai'])(
    '"%s" alone is no new request (an hours question at most)',
    (text) => {
      const result = analyze(text);
      if (result.intent !== 'opening_hours') expect(result.confidence).toBeLessThanOrEqual(0.3);
    },
  );

  it('is not fooled by house numbers, times, impossible dates or holidays', () => {
    expect(entity('devant le 12 il y a un trou', 'date')).toBeUndefined();
    expect(entity('un lampadaire cassé devant le 8', 'date')).toBeUndefined();
    expect(entity('la mairie ferme le 31 février ?', 'date')).toBeUndefined();
    expect(entity('ouvert le premier de l’an ?', 'date')).toBe('2027-01-01');
    expect(findDayOfMonth('le 14h30')).toBeUndefined();
    expect(findDayOfMonth('rendez-vous le 12 heures')).toBeUndefined();
  });
});
