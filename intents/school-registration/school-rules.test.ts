// Parsing what parents type: names, dates, classes, collège mentions, sector lookups.
import path from 'node:path';
import { TerritoryProvider, type SchoolInfo } from '../../knowledge/territory';
import { ageOn, parseNumericDate } from '../common/birth-date';
import { parseNameList, parsePersonName } from '../common/person-name';
import {
  communesServingStreet,
  findLevel,
  levelMismatch,
  mentionsSecondary,
  rentreeYear,
  sectorSchool,
  streetKey,
} from './school-rules';

let school: SchoolInfo;
beforeAll(async () => {
  const provider = await TerritoryProvider.fromDirectories(
    path.resolve(__dirname, '../../knowledge/territories'),
  );
  school = provider.current().get('val-de-loue')!.school!;
});

describe('person names', () => {
  it.each([
    ['Lucas Martin', 'Lucas', 'Martin'],
    ['MARTIN Lucas', 'Lucas', 'Martin'],
    ["il s'appelle lucas martin", 'Lucas', 'Martin'],
    ['prénom Lucas nom Martin', 'Lucas', 'Martin'],
    ['Jean-Pierre de La Tour', 'Jean-Pierre', 'de La Tour'],
  ])('reads %p', (text, firstName, lastName) => {
    expect(parsePersonName(text)).toEqual({ firstName, lastName });
  });

  it.each([
    'Lucas',
    'au fait la déchetterie ouvre quand ?',
    'c’est pour le collège',
    'non merci',
    'Lucas 12/03/2021',
    'je veux annuler',
  ])('never takes %p for a name', (text) => expect(parsePersonName(text)).toBeUndefined());

  it('shares a family name given once at the end of a list', () => {
    expect(parseNameList('Léo, Emma et Paul Durand')?.map((p) => `${p.firstName} ${p.lastName}`)).toEqual([
      'Léo Durand',
      'Emma Durand',
      'Paul Durand',
    ]);
    expect(parseNameList('Marie Durand, Léo')).toBeUndefined();
  });
});

describe('school rules', () => {
  it('reads numeric dates and computes the age in the territory time zone', () => {
    expect(parseNumericDate('né le 12/03/2021')).toBe('2021-03-12');
    expect(parseNumericDate('12.03.21')).toBe('2021-03-12');
    expect(parseNumericDate('31/02/2021')).toBeUndefined();
    // 11 March 23:30 UTC is already 12 March in Paris: the birthday has come.
    expect(ageOn('2021-03-12', new Date('2026-03-11T23:30:00Z'), 'Europe/Paris')).toBe(5);
    expect(ageOn('2021-03-12', new Date('2026-03-11T22:30:00Z'), 'Europe/Paris')).toBe(4);
  });

  it('finds the class named, and only "en CP" when it was not the question', () => {
    expect(findLevel(school.levels, 'petite section')?.id).toBe('ps');
    expect(findLevel(school.levels, 'il entre en ce1')?.id).toBe('ce1');
    expect(findLevel(school.levels, 'mon fils va en CP', { afterEn: true })?.id).toBe('cp');
    expect(findLevel(school.levels, 'ms', { afterEn: true })).toBeUndefined();
  });

  it.each(['inscription au collège', 'il passe en 6e', 'elle rentre en seconde', 'lycée', 'sixième'])(
    'recognises secondary school in %p',
    (text) => expect(mentionsSecondary(text)).toBe(true),
  );
  it.each([
    'inscrire mon fils à l’école',
    'une seconde svp',
    'première inscription en CP',
    '12 rue des Lilas',
  ])('does not see secondary school in %p', (text) => expect(mentionsSecondary(text)).toBe(false));

  it('maps an address to its sector school by cycle, or to the whole-commune sector', () => {
    expect(streetKey('12 bis, Rue du Moulin')).toBe('rue du moulin');
    expect(communesServingStreet(school, '3 rue du Moulin')).toEqual(['montcey-sur-loue']);
    expect(sectorSchool(school, 'montcey-sur-loue', '3 rue du Moulin', 'maternelle')?.schoolName).toBe(
      'École maternelle Les Coquelicots',
    );
    expect(sectorSchool(school, 'montcey-sur-loue', '3 rue du Moulin', 'elementaire')?.schoolName).toBe(
      'École élémentaire Louis-Pasteur',
    );
    expect(sectorSchool(school, 'montcey-sur-loue', 'rue Pasteur', 'elementaire')).toBeUndefined();
    expect(sectorSchool(school, 'verniere', '5 rue de l’Église', 'maternelle')?.schoolName).toBe(
      'École primaire de Vernière',
    );
  });
});

describe('class against the year of birth at the next rentrée', () => {
  const at = (iso: string) => new Date(iso);
  const level = (id: string) => school.levels.find((l) => l.id === id)!;

  it('registers for the next rentrée: this year until 1 September, next year after it', () => {
    expect(rentreeYear(school, at('2026-03-10T09:00:00Z'), 'Europe/Paris')).toBe(2026);
    expect(rentreeYear(school, at('2026-08-31T21:59:00Z'), 'Europe/Paris')).toBe(2026);
    expect(rentreeYear(school, at('2026-12-05T09:00:00Z'), 'Europe/Paris')).toBe(2027);
    expect(rentreeYear({ rentree: '08-25' }, at('2026-08-28T09:00:00Z'), 'Europe/Paris')).toBe(2027);
  });

  it.each([
    ['2020-12-31', 'cp', undefined],
    ['2020-01-01', 'cp', undefined],
    ['2023-05-01', 'ps', undefined],
    ['2019-06-10', 'cp', 'ce1'],
    ['2021-02-15', 'cp', 'gs'],
    ['2016-01-01', 'cm2', undefined],
    ['2023-01-01', 'cm2', 'ps'],
  ])('born %s, asked %s at the rentrée 2026 → expected %s', (birth, asked, expected) => {
    const m = levelMismatch(school, level(asked), birth, at('2026-03-10T09:00:00Z'), 'Europe/Paris');
    expect(m?.expected?.id).toBe(expected);
    if (expected) expect(m).toMatchObject({ rentree: 2026 });
  });

  it('says no class fits a child too young for petite section', () => {
    expect(
      levelMismatch(school, level('ps'), '2024-04-01', at('2026-03-10T09:00:00Z'), 'Europe/Paris'),
    ).toEqual({ rentree: 2026, birthYear: 2024 });
  });
});
