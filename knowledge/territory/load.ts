// Loads territories from directories: one folder per territory with territory.json (or .yaml), and
// optional split files (faq.json, facilities.json, …) holding one top-level key each.
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { jsonErrorOffset, lineColumn } from './json-position';
import { displayPath, formatFieldPath, TerritoryError, type TerritoryIssue } from './errors';
import { TerritorySchema, type Territory } from './schema';
import { projectPath } from '../../bot/project-root';

/** The demo territory shipped with the repository. */
export const DEFAULT_TERRITORY_DIR = projectPath('knowledge', 'territories');
/** Small extra territories for tests (tenant separation, overseas time zone). */
export const FIXTURE_TERRITORY_DIR = projectPath('knowledge', 'fixtures', 'territories');

/** TERRITORY_DIR may list several directories separated by the platform delimiter (":" on Linux). */
export function territoryDirsFrom(value: string | undefined): string[] {
  const dirs = (value ?? '')
    .split(path.delimiter)
    .map((d) => d.trim())
    .filter(Boolean);
  return dirs.length > 0 ? dirs.map((d) => path.resolve(d)) : [DEFAULT_TERRITORY_DIR];
}

const MAIN_FILES = ['territory.json', 'territory.yaml', 'territory.yml'];
/** Top-level keys that may live in their own file: `faq.json`, `request-types.yaml`, … */
const SPLIT_KEYS = [
  'faq',
  'facilities',
  'communes',
  'authorities',
  'requestTypes',
  'school',
  'library',
] as const;
const kebab = (key: string): string => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

export interface TerritoryCatalog {
  list(): readonly Territory[];
  get(id: string): Territory | undefined;
  /** Accepts `+33…`, `whatsapp:+33…` and spaced forms. */
  byTwilioNumber(number: string): Territory | undefined;
  byWebchatKey(key: string): Territory | undefined;
  byBotAppId(appId: string): Territory | undefined;
  /** The first territory (directories in the given order, folders sorted by name). */
  default(): Territory;
  readonly loadedAt: Date;
}

export function normalizePhoneNumber(raw: string): string {
  const n = raw
    .trim()
    .replace(/^[a-z]+:/i, '')
    .replace(/[\s.()-]/g, '');
  return n.startsWith('00') ? `+${n.slice(2)}` : n;
}

export function createCatalog(territories: readonly Territory[]): TerritoryCatalog {
  const first = territories[0];
  if (!first) throw new TerritoryError([{ file: '', field: '', message: 'no territory found' }]);
  const byId = new Map(territories.map((t) => [t.id, t]));
  const byNumber = new Map<string, Territory>();
  const byKey = new Map<string, Territory>();
  const byApp = new Map<string, Territory>();
  for (const t of territories) {
    for (const n of t.channels.twilioNumbers) byNumber.set(normalizePhoneNumber(n), t);
    for (const k of t.channels.webchatKeys) byKey.set(k, t);
    for (const a of t.channels.botAppIds) byApp.set(a, t);
  }
  const list = Object.freeze([...territories]);
  const loadedAt = new Date();
  return {
    list: () => list,
    get: (id) => byId.get(id),
    byTwilioNumber: (n) => byNumber.get(normalizePhoneNumber(n)),
    byWebchatKey: (k) => byKey.get(k),
    byBotAppId: (a) => byApp.get(a),
    default: () => first,
    loadedAt,
  };
}

async function exists(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

async function readStructured(file: string): Promise<unknown> {
  const text = await readFile(file, 'utf8');
  const shown = displayPath(file);
  if (file.endsWith('.json')) {
    try {
      return JSON.parse(text) as unknown;
    } catch (e) {
      throw new TerritoryError([
        { file: shown, field: '', message: `invalid JSON (${jsonErrorWhere(e, text)})` },
      ]);
    }
  }
  try {
    return parseYaml(text) as unknown;
  } catch (e) {
    throw new TerritoryError([{ file: shown, field: '', message: `invalid YAML (${(e as Error).message})` }]);
  }
}

function jsonErrorWhere(e: unknown, text: string): string {
  const message = e instanceof Error ? e.message : String(e);
  const offset = jsonErrorOffset(text);
  return offset === undefined ? message : `${message.split('\n')[0]}; ${lineColumn(text, offset)}`;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

async function findFile(dir: string, base: string): Promise<string | undefined> {
  for (const ext of ['.json', '.yaml', '.yml']) {
    const file = path.join(dir, base + ext);
    if (await exists(file)) return file;
  }
  return undefined;
}

/** Loads and validates one territory folder. */
export async function loadTerritoryFolder(dir: string): Promise<Territory> {
  let mainFile: string | undefined;
  for (const name of MAIN_FILES) {
    if (await exists(path.join(dir, name))) {
      mainFile = path.join(dir, name);
      break;
    }
  }
  if (!mainFile)
    throw new TerritoryError([
      { file: displayPath(dir), field: '', message: 'missing territory.json (or territory.yaml)' },
    ]);
  const raw = await readStructured(mainFile);
  if (!isRecord(raw))
    throw new TerritoryError([{ file: displayPath(mainFile), field: '', message: 'must be a JSON object' }]);

  // Which file each top-level key came from, to report issues against the right file.
  const origin = new Map<string, string>();
  const merged: Record<string, unknown> = { ...raw };
  for (const key of SPLIT_KEYS) {
    const file = await findFile(dir, kebab(key));
    if (!file) continue;
    if (key in raw)
      throw new TerritoryError([
        {
          file: displayPath(file),
          field: key,
          message: `"${key}" is also defined in ${path.basename(mainFile)}`,
        },
      ]);
    const content = await readStructured(file);
    // Either the bare value (an array) or an object with the key: both read naturally.
    merged[key] =
      isRecord(content) && key in content && Object.keys(content).length === 1 ? content[key] : content;
    origin.set(key, file);
  }

  const parsed = TerritorySchema.safeParse(merged);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue): TerritoryIssue => {
      const top = typeof issue.path[0] === 'string' ? issue.path[0] : '';
      return {
        file: displayPath(origin.get(top) ?? mainFile),
        field: formatFieldPath(issue.path),
        message: issue.message,
      };
    });
    throw new TerritoryError(issues as [TerritoryIssue, ...TerritoryIssue[]]);
  }
  if (parsed.data.id !== path.basename(dir))
    throw new TerritoryError([
      {
        file: displayPath(mainFile),
        field: 'id',
        message: `must equal the folder name "${path.basename(dir)}" (got "${parsed.data.id}")`,
      },
    ]);
  return parsed.data;
}

/** Channel addresses must resolve to exactly one tenant. */
function checkUnique(territories: readonly { territory: Territory; file: string }[]): void {
  const owners = new Map<string, string>();
  const issues: TerritoryIssue[] = [];
  const claim = (value: string, kind: string, id: string, file: string, field: string) => {
    const key = `${kind}\u0000${value}`;
    const owner = owners.get(key);
    if (owner !== undefined && owner !== id)
      issues.push({ file, field, message: `${kind} "${value}" is already used by territory "${owner}"` });
    else owners.set(key, id);
  };
  for (const { territory: t, file } of territories) {
    claim(t.id, 'territory id', `${t.id}@${file}`, file, 'id');
    t.channels.twilioNumbers.forEach((n, i) =>
      claim(normalizePhoneNumber(n), 'Twilio number', t.id, file, `channels.twilioNumbers[${i}]`),
    );
    t.channels.webchatKeys.forEach((k, i) =>
      claim(k, 'webchat key', t.id, file, `channels.webchatKeys[${i}]`),
    );
    t.channels.botAppIds.forEach((a, i) => claim(a, 'bot app id', t.id, file, `channels.botAppIds[${i}]`));
  }
  const [first, ...rest] = issues;
  if (first) throw new TerritoryError([first, ...rest]);
}

/** Loads every territory folder of one or several directories. Throws a TerritoryError on bad content. */
export async function loadTerritories(dirs: string | readonly string[]): Promise<TerritoryCatalog> {
  const roots = typeof dirs === 'string' ? [dirs] : [...dirs];
  const loaded: { territory: Territory; file: string }[] = [];
  for (const root of roots) {
    let entries;
    try {
      entries = await readdir(root, { withFileTypes: true });
    } catch (e) {
      throw new TerritoryError([
        { file: displayPath(root), field: '', message: `cannot read directory (${(e as Error).message})` },
      ]);
    }
    const folders = entries
      .filter((e) => e.isDirectory() && !e.name.startsWith('.') && !e.name.startsWith('_'))
      .map((e) => e.name)
      .sort();
    for (const name of folders) {
      const folder = path.join(root, name);
      loaded.push({
        territory: await loadTerritoryFolder(folder),
        file: displayPath(path.join(folder, 'territory.json')),
      });
    }
  }
  if (loaded.length === 0)
    throw new TerritoryError([
      { file: roots.map(displayPath).join(path.delimiter), field: '', message: 'no territory found' },
    ]);
  checkUnique(loaded);
  return createCatalog(loaded.map((l) => l.territory));
}
