import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  DEFAULT_TERRITORY_DIR,
  FIXTURE_TERRITORY_DIR,
  loadTerritories,
  TerritoryError,
  TerritoryProvider,
  territoryDirsFrom,
  type TerritoryCatalog,
} from './index';

const DEMO = path.join(DEFAULT_TERRITORY_DIR, 'val-de-loue');
const OTHER = path.join(FIXTURE_TERRITORY_DIR, 'autre-commune');

async function tempCopy(...folders: string[]): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'territories-'));
  for (const folder of folders) await cp(folder, path.join(dir, path.basename(folder)), { recursive: true });
  return dir;
}

async function editJson(file: string, edit: (data: Record<string, unknown>) => void): Promise<void> {
  const data = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  edit(data);
  await writeFile(file, JSON.stringify(data, null, 2));
}

async function loadError(dirs: string | string[]): Promise<TerritoryError> {
  try {
    await loadTerritories(dirs);
  } catch (e) {
    if (e instanceof TerritoryError) return e;
    throw e;
  }
  throw new Error('expected a TerritoryError');
}

describe('the demo territory', () => {
  let catalog: TerritoryCatalog;
  beforeAll(async () => {
    catalog = await loadTerritories(DEFAULT_TERRITORY_DIR);
  });

  it('is the default territory, with its communes, facilities and FAQ', () => {
    const t = catalog.default();
    expect(t.id).toBe('val-de-loue');
    expect(t.timeZone).toBe('Europe/Paris');
    expect(t.communes).toHaveLength(3);
    const kinds = t.facilities.map((f) => f.kind);
    expect(kinds.filter((k) => k === 'mairie')).toHaveLength(3);
    expect(kinds).toEqual(expect.arrayContaining(['dechetterie', 'mediatheque', 'piscine']));
    expect(t.faq.length).toBeGreaterThanOrEqual(25);
    expect(t.facilities.some((f) => f.exceptions.length > 0)).toBe(true);
    expect(t.channels.webchatKeys).toEqual(['demo']);
    expect(t.channels.allowedOrigins).toEqual(['http://localhost:3000']);
    expect(t.school?.levels.map((l) => l.id)).toContain('cp');
    expect(t.library?.pricing.length).toBeGreaterThan(0);
  });

  it('fills defaults (SMS budget, retention)', () => {
    const t = catalog.default();
    expect(t.sms).toEqual({ transliterate: true, segmentBudget: 3 });
    expect(t.retention.transcriptsDays).toBe(183);
  });
});

describe('tenant resolution across territories', () => {
  let catalog: TerritoryCatalog;
  beforeAll(async () => {
    catalog = await loadTerritories([DEFAULT_TERRITORY_DIR, FIXTURE_TERRITORY_DIR]);
  });

  it('resolves each channel address to its own territory', () => {
    expect(catalog.list().map((t) => t.id)).toEqual(['val-de-loue', 'autre-commune']);
    expect(catalog.byTwilioNumber('+33939980101')?.id).toBe('val-de-loue');
    expect(catalog.byTwilioNumber('whatsapp:+33939980102')?.id).toBe('val-de-loue');
    expect(catalog.byTwilioNumber('+33 9 39 98 01 02')?.id).toBe('val-de-loue');
    expect(catalog.byTwilioNumber('+594594390001')?.id).toBe('autre-commune');
    expect(catalog.byWebchatKey('demo')?.id).toBe('val-de-loue');
    expect(catalog.byWebchatKey('autre')?.id).toBe('autre-commune');
    expect(catalog.byBotAppId('00000000-0000-4000-8000-000000000973')?.id).toBe('autre-commune');
  });

  it('answers nothing for unknown addresses instead of guessing a tenant', () => {
    expect(catalog.byTwilioNumber('+33100000000')).toBeUndefined();
    expect(catalog.byWebchatKey('Demo')).toBeUndefined();
    expect(catalog.byBotAppId('unknown')).toBeUndefined();
    expect(catalog.get('nope')).toBeUndefined();
  });

  it('keeps the overseas territory in its own time zone and holiday region', () => {
    const other = catalog.get('autre-commune');
    expect(other?.timeZone).toBe('America/Cayenne');
    expect(other?.holidays).toEqual({ country: 'fr', state: 'Guyane' });
    expect(other?.facilities.map((f) => f.id)).toEqual(['mairie-pointe-aux-herons']);
  });

  it('reads several directories from TERRITORY_DIR', () => {
    expect(territoryDirsFrom(undefined)).toEqual([DEFAULT_TERRITORY_DIR]);
    expect(territoryDirsFrom(`${DEFAULT_TERRITORY_DIR}${path.delimiter}${FIXTURE_TERRITORY_DIR}`)).toEqual([
      DEFAULT_TERRITORY_DIR,
      FIXTURE_TERRITORY_DIR,
    ]);
  });
});

describe('bad territory content', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await tempCopy(DEMO);
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const territoryFile = () => path.join(dir, 'val-de-loue', 'territory.json');

  it('names the file and the field of an invalid opening_hours value', async () => {
    await editJson(territoryFile(), (t) => {
      (t.facilities as { openingHours: string }[])[2]!.openingHours = 'Mo-Fr 25:00-26:00';
    });
    const e = await loadError(dir);
    expect(e.file).toBe(territoryFile()); // outside the working directory: shown absolute
    expect(e.field).toBe('facilities[2].openingHours');
    expect(e.message).toContain(
      `${territoryFile()}: facilities[2].openingHours: invalid opening_hours value "Mo-Fr 25:00-26:00"`,
    );
  });

  it('reports an error in a split file against that file', async () => {
    const faq = path.join(dir, 'val-de-loue', 'faq.json');
    const entries = JSON.parse(await readFile(faq, 'utf8')) as { sourceUrl: string }[];
    entries[3]!.sourceUrl = 'not a url';
    await writeFile(faq, JSON.stringify(entries));
    const e = await loadError(dir);
    expect(e.file).toBe(faq);
    expect(e.field).toBe('faq[3].sourceUrl');
  });

  it('gives the line of a JSON syntax error', async () => {
    await writeFile(territoryFile(), '{\n  "id": "val-de-loue",\n  "name": \n}');
    const e = await loadError(dir);
    expect(e.file).toContain('territory.json');
    expect(e.message).toMatch(/invalid JSON .*line 4 column 1\)/);
  });

  it('rejects references to unknown communes and unknown request types', async () => {
    await editJson(territoryFile(), (t) => {
      (t.facilities as { communeId: string }[])[0]!.communeId = 'atlantis';
      (t.authorities as { competences: string[] }[])[0]!.competences.push('teleportation');
    });
    const e = await loadError(dir);
    const fields = e.issues.map((i) => `${i.field}: ${i.message}`);
    expect(fields).toContain('facilities[0].communeId: unknown commune "atlantis"');
    expect(fields).toContain('authorities[0].competences[3]: unknown request type "teleportation"');
  });

  it('requires a competent authority for every request type in every commune', async () => {
    await editJson(territoryFile(), (t) => {
      (t.authorities as { competences: string[] }[])[2]!.competences = ['report_incident'];
    });
    const e = await loadError(dir);
    expect(e.message).toContain(
      'no authority is competent for request type "school_registration" in commune "verniere"',
    );
  });

  it('rejects an unknown time zone and a malformed Twilio number', async () => {
    await editJson(territoryFile(), (t) => {
      t.timeZone = 'Europe/Lutece';
      (t.channels as { twilioNumbers: string[] }).twilioNumbers = ['0939980101'];
    });
    const fields = (await loadError(dir)).issues.map((i) => i.field);
    expect(fields).toEqual(expect.arrayContaining(['timeZone', 'channels.twilioNumbers[0]']));
  });

  it('refuses two territories sharing a Twilio number or a webchat key', async () => {
    const other = await tempCopy(OTHER);
    try {
      await editJson(path.join(other, 'autre-commune', 'territory.json'), (t) => {
        (t.channels as { twilioNumbers: string[]; webchatKeys: string[] }).twilioNumbers = ['+33939980101'];
        (t.channels as { webchatKeys: string[] }).webchatKeys = ['demo'];
      });
      const e = await loadError([dir, other]);
      expect(e.issues.map((i) => i.message)).toEqual([
        'Twilio number "+33939980101" is already used by territory "val-de-loue"',
        'webchat key "demo" is already used by territory "val-de-loue"',
      ]);
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  });

  it('accepts an INSEE code as a facility commune (importer output) and resolves it', async () => {
    await editJson(territoryFile(), (t) => {
      (t.facilities as { communeId: string }[])[0]!.communeId = '25972';
    });
    const catalog = await loadTerritories(dir);
    expect(catalog.default().facilities[0]!.communeId).toBe('verniere');
  });

  it('requires the territory id to match its folder', async () => {
    await editJson(territoryFile(), (t) => {
      t.id = 'ailleurs';
    });
    const e = await loadError(dir);
    expect(e.field).toBe('id');
    expect(e.message).toContain('must equal the folder name "val-de-loue"');
  });
});

describe('hot reload', () => {
  let dir: string;
  let provider: TerritoryProvider | undefined;
  beforeEach(async () => {
    dir = await tempCopy(DEMO);
  });
  afterEach(async () => {
    provider?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const waitFor = async (condition: () => boolean, what: string): Promise<void> => {
    for (let i = 0; i < 200; i++) {
      if (condition()) return;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`timed out waiting for ${what}`);
  };

  it('picks up an edit without a restart, keeps the last good content on a bad edit, recovers after', async () => {
    const errors: unknown[] = [];
    let reloads = 0;
    provider = await TerritoryProvider.fromDirectories(dir, {
      watch: true,
      debounceMs: 30,
      onReload: () => reloads++,
      onError: (e) => errors.push(e),
    });
    const file = path.join(dir, 'val-de-loue', 'territory.json');
    const p = provider;
    expect(p.current().default().name).toBe('Communauté de communes du Val de Loue');

    await editJson(file, (t) => {
      t.name = 'CC du Val de Loue (renommée)';
    });
    await waitFor(() => p.current().default().name === 'CC du Val de Loue (renommée)', 'the reload');

    await editJson(file, (t) => {
      (t.facilities as { openingHours: string }[])[0]!.openingHours = 'Mo-Fr 25:00-26:00';
    });
    await waitFor(() => errors.length > 0, 'the error report');
    expect(errors[0]).toBeInstanceOf(TerritoryError);
    expect((errors[0] as TerritoryError).field).toBe('facilities[0].openingHours');
    expect(p.current().default().name).toBe('CC du Val de Loue (renommée)');
    expect(p.current().default().facilities[0]!.openingHours).not.toContain('25:00');

    const before = reloads;
    await editJson(file, (t) => {
      (t.facilities as { openingHours: string }[])[0]!.openingHours = 'Mo-Fr 09:00-12:00';
    });
    await waitFor(() => reloads > before, 'the recovery');
    expect(p.current().default().facilities[0]!.openingHours).toBe('Mo-Fr 09:00-12:00');
  });
});
