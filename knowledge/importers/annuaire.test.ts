import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { FacilitySchema } from '../territory/schema';
import { AnnuaireImportError, formatDays, importAnnuaire, slotsToOpeningHours } from './index';
import { PIVOT_TYPES_FILE } from './pivot-types';

// Real DILA records (Licence Ouverte 2.0, "Service-Public.gouv.fr / DILA"): see fixtures/dila-annuaire/SOURCES.md.
const FIXTURES = path.join(__dirname, 'fixtures', 'dila-annuaire');
const read = (name: string): string => readFileSync(path.join(FIXTURES, name), 'utf8');
const JSON_V4 = 'organisme-mairie-breux-sur-avre.v4.json';
const LEGACY_XML = 'organisme-msa-bourg-en-bresse.legacy.xml';

describe('DILA JSON export (current format)', () => {
  it('turns the Breux-sur-Avre town hall into a facility', () => {
    const { facilities, skipped } = importAnnuaire(read(JSON_V4));
    expect(skipped).toEqual([]);
    expect(facilities).toHaveLength(1);
    const f = facilities[0]!;
    expect(f).toMatchObject({
      id: 'mairie-breux-sur-avre',
      kind: 'mairie',
      name: 'Mairie - Breux-sur-Avre',
      communeId: '27115',
      openingHours: 'Mo,Th 16:30-18:30',
      address: { street: '10 ancienne route du Mans, Le Bourg', postcode: '27570', city: 'Breux-sur-Avre' },
      location: { lat: 48.76231, lon: 1.081901 },
      phone: '02 32 32 50 76',
      email: 'mairie@breux-sur-avre.fr',
      url: 'https://www.breux-sur-avre.fr',
      source: { attribution: 'Service-Public.gouv.fr / DILA', id: '0b19da66-336b-4a4d-a56a-1bbf731ec306' },
    });
    expect(FacilitySchema.safeParse(f).success).toBe(true);
  });

  it('filters on the commune INSEE code', () => {
    expect(importAnnuaire(read(JSON_V4), { commune: '27115' }).facilities).toHaveLength(1);
    const other = importAnnuaire(read(JSON_V4), { commune: '01053' });
    expect(other.facilities).toEqual([]);
    expect(other.skipped[0]?.reason).toContain('other commune');
  });
});

describe('DILA legacy XML', () => {
  it('groups the MSA days with the same hours and keeps the notes', () => {
    const { facilities } = importAnnuaire(read(LEGACY_XML));
    expect(facilities).toHaveLength(1);
    expect(facilities[0]).toMatchObject({
      kind: 'msa',
      communeId: '01053',
      openingHours: 'Mo-We,Fr 08:30-12:00',
      address: { street: '15 avenue du Champ-de-Foire', postcode: '01059', city: 'Bourg-en-Bresse Cedex 9' },
      location: { lat: 46.2069614, lon: 5.2306651 },
      phone: '04 74 45 99 00',
      url: 'http://www.msa01-69.fr',
      note: 'Après-midi sur rendez-vous exclusivement. Jeudi sur rendez-vous exclusivement.',
      source: { attribution: 'Service-Public.gouv.fr / DILA', id: 'msa-01053-01', updatedAt: '2017-09-11' },
    });
  });
});

describe('invalid input', () => {
  it.each([
    ['not JSON nor XML', 'hello', /neither XML nor valid JSON/],
    ['JSON of another shape', '{"services": []}', /not a DILA annuaire JSON export.*service/],
    ['a service without a name', '{"service": [{"id": "x"}]}', /service\.0\.nom/],
    ['broken XML', '<Organisme id="x"><Nom>A</Organisme>', /invalid XML/],
    ['XML of another kind', '<Foo><Bar/></Foo>', /not a DILA <Organisme> XML file/],
    [
      'a slot with an unknown day',
      '{"service":[{"id":"x","nom":"X","plage_ouverture":[{"nom_jour_debut":"Funday","nom_jour_fin":"Lundi","valeur_heure_debut_1":"09:00:00","valeur_heure_fin_1":"12:00:00"}]}]}',
      /X \(x\): unknown day "Funday"/,
    ],
  ])('%s → a clear error', (_what, content, message) => {
    expect(() => importAnnuaire(content)).toThrow(AnnuaireImportError);
    expect(() => importAnnuaire(content)).toThrow(message);
  });
});

describe('slots to opening_hours', () => {
  it('groups days and ranges', () => {
    expect(formatDays([0, 1, 2, 4])).toBe('Mo-We,Fr');
    expect(formatDays([0, 1])).toBe('Mo,Tu');
    expect(formatDays([5, 6])).toBe('Sa,Su');
    expect(
      slotsToOpeningHours([
        {
          firstDay: 'Lundi',
          lastDay: 'Vendredi',
          ranges: [
            ['08:30:00', '12:00:00'],
            ['13:30:00', '17:00:00'],
          ],
        },
        { firstDay: 'Samedi', lastDay: 'Samedi', ranges: [['09:00', '12:00']] },
      ]),
    ).toBe('Mo-Fr 08:30-12:00,13:30-17:00; Sa 09:00-12:00');
  });

  it('rejects a range that ends before it starts', () => {
    expect(() =>
      slotsToOpeningHours([{ firstDay: 'lundi', lastDay: 'lundi', ranges: [['18:00', '09:00']] }]),
    ).toThrow(/ends before it starts/);
  });
});

describe('npm run import:annuaire', () => {
  const run = promisify(execFile);
  // package.json's own command: the compiled dist/ (built by the test setup), as an operator runs it.
  const script = (
    JSON.parse(readFileSync(path.join(__dirname, '../../package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    }
  ).scripts['import:annuaire']!;
  const [, ...scriptArgs] = script.split(' ');
  const cli = scriptArgs.map((arg, i) => (i === 0 ? path.join(__dirname, '../..', arg) : arg));

  it('prints the facilities as JSON', async () => {
    const { stdout } = await run(process.execPath, [...cli, path.join(FIXTURES, LEGACY_XML)]);
    const printed = JSON.parse(stdout) as { openingHours: string }[];
    expect(printed.map((f) => f.openingHours)).toEqual(['Mo-We,Fr 08:30-12:00']);
    expect(script).toMatch(/^node scripts\/run-built\.js /);
  }, 30000);

  it('exits with code 1 and a message on invalid input', async () => {
    const failure = await run(process.execPath, [...cli, PIVOT_TYPES_FILE]).then(
      () => undefined,
      (e: { code: number; stderr: string }) => e,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toMatch(/import:annuaire: neither XML nor valid JSON/);
  }, 30000);
});
