// Loads territories from directories: one folder per territory with territory.json (or .yaml), and
// optional split files (faq.json, facilities.json, …) holding one top-level key each.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { parse as parseYaml } from 'yaml';
import { jsonErrorOffset, lineColumn } from './json-position';
import { displayPath, formatFieldPath, TerritoryError, type TerritoryIssue } from './errors';
import { TerritorySchema, type Territory } from './schema';
import { shareStrings } from './share-strings';
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

/** What the platform needs of every territory at all times, without its content (see createLazyCatalog). */
export interface TerritorySummary {
  id: string;
  name: string;
  timeZone: string;
  retention: Territory['retention'];
  channels: Territory['channels'];
}

export interface TerritoryCatalog {
  /**
   * Every territory with its content. On a platform (more territories than the cache holds) this inflates each
   * one in turn: prefer summaries() or get(id) in anything that runs often.
   */
  list(): readonly Territory[];
  /** Id, name, time zone, retention and channels of every territory, in catalog order; always in memory. */
  summaries(): readonly TerritorySummary[];
  get(id: string): Territory | undefined;
  /** True when some territory lists this origin (web chat CORS before the tenant is known). */
  allowsOrigin(origin: string): boolean;
  /** The territories this catalog reloaded from disk (all of them after a full load). */
  readonly reloaded: readonly string[];
  /** Accepts `+33…`, `whatsapp:+33…` and spaced forms. */
  byTwilioNumber(number: string): Territory | undefined;
  byWebchatKey(key: string): Territory | undefined;
  byBotAppId(appId: string): Territory | undefined;
  /** The first territory (directories in the given order, folders sorted by name). */
  default(): Territory;
  readonly loadedAt: Date;
  /**
   * How many territories there are, how many stay parsed, and how many times one was inflated again since the
   * start (each costs a turn ~0.4 ms: a count that keeps rising says TERRITORY_CACHE_SIZE is too small); the same
   * for their FAQs (FAQ_CACHE_SIZE), read only by questions to the knowledge base.
   */
  cacheStats(): {
    territories: number;
    parsed: number;
    inflations: number;
    faqsParsed: number;
    faqInflations: number;
  };
}

export function normalizePhoneNumber(raw: string): string {
  const n = raw
    .trim()
    .replace(/^[a-z]+:/i, '')
    .replace(/[\s.()-]/g, '');
  return n.startsWith('00') ? `+${n.slice(2)}` : n;
}

export const summaryOf = (t: Territory): TerritorySummary => ({
  id: t.id,
  name: t.name,
  timeZone: t.timeZone,
  retention: t.retention,
  channels: t.channels,
});

/** The origin part of an allowed origin ('https://x.fr/' → 'https://x.fr'), as browsers send it. */
const originOf = (url: string): string | undefined => {
  try {
    const origin = new URL(url).origin;
    return origin === 'null' ? undefined : origin;
  } catch {
    return undefined;
  }
};

/**
 * The channel addresses of every territory in maps: a Twilio number, widget key or bot app id finds its
 * territory in one lookup whatever the number of territories (issue 21: 20,000 numbers on a platform).
 */
function channelIndex(summaries: readonly TerritorySummary[]) {
  const byNumber = new Map<string, string>();
  const byKey = new Map<string, string>();
  const byApp = new Map<string, string>();
  const origins = new Set<string>();
  for (const t of summaries) {
    for (const n of t.channels.twilioNumbers) byNumber.set(normalizePhoneNumber(n), t.id);
    for (const k of t.channels.webchatKeys) byKey.set(k, t.id);
    for (const a of t.channels.botAppIds) byApp.set(a, t.id);
    for (const o of t.channels.allowedOrigins) {
      const origin = originOf(o);
      if (origin) origins.add(origin);
    }
  }
  return { byNumber, byKey, byApp, origins };
}

/** A catalog of territories held in memory (tests, a few territories). */
export function createCatalog(territories: readonly Territory[]): TerritoryCatalog {
  const first = territories[0];
  if (!first) throw new TerritoryError([{ file: '', field: '', message: 'no territory found' }]);
  const byId = new Map(territories.map((t) => [t.id, t]));
  const summaries = Object.freeze(territories.map(summaryOf));
  const index = channelIndex(summaries);
  const find = (id: string | undefined) => (id === undefined ? undefined : byId.get(id));
  const list = Object.freeze([...territories]);
  const loadedAt = new Date();
  return {
    list: () => list,
    summaries: () => summaries,
    get: (id) => byId.get(id),
    allowsOrigin: (origin) => index.origins.has(origin),
    reloaded: summaries.map((t) => t.id),
    byTwilioNumber: (n) => find(index.byNumber.get(normalizePhoneNumber(n))),
    byWebchatKey: (k) => find(index.byKey.get(k)),
    byBotAppId: (a) => find(index.byApp.get(a)),
    cacheStats: () => ({
      territories: list.length,
      parsed: list.length,
      inflations: 0,
      faqsParsed: list.length,
      faqInflations: 0,
    }),
    default: () => first,
    loadedAt,
  };
}

/** One validated territory kept compressed: what get() inflates is exactly what passed the schema. */
export interface StoredTerritory {
  summary: TerritorySummary;
  /** The folder it was read from (hot reload finds what changed by folder). */
  folder: string;
  /** The validated Territory but its FAQ, as JSON, deflated (~10 times smaller than the parsed objects). */
  packed: Buffer;
  /** Its FAQ, deflated apart: inflated only when a turn reads it (see withLazyFaq). */
  packedFaq: Buffer;
}

export function storeTerritory(territory: Territory, folder: string): StoredTerritory {
  const { faq, ...rest } = territory;
  return {
    summary: summaryOf(territory),
    folder,
    packed: deflated(JSON.stringify(rest)),
    packedFaq: deflated(JSON.stringify(faq)),
  };
}

/**
 * Deflated, then copied out of zlib's output: a result under 16 KB is a view of its 16 KB output chunk, which it
 * would keep alive (2,000 territories: tens of MB for nothing). The copy is a buffer of its own size, or a slice
 * of Node's shared 8 KB pool when under 4 KB.
 */
const deflated = (json: string): Buffer => Buffer.from(deflateRawSync(json, { level: 1 }));

/** A stored territory parsed again, its FAQ still packed. */
function unpack(entry: StoredTerritory, faqs: FaqCache): Territory {
  const rest = JSON.parse(inflateRawSync(entry.packed).toString('utf8')) as Omit<Territory, 'faq'>;
  return withLazyFaq(rest, entry.packedFaq, faqs);
}

/**
 * The FAQ is inflated on use, and kept parsed in a cache of its own. On a platform the FAQ is most of a territory
 * (0.90 ms and 115 KB of heap per territory with it, 0.38 ms and 48 KB without) and most turns (opening hours, a
 * report, a request's status) never read it: the rest of every territory in use can stay parsed within the
 * memory budget, and only the FAQs (with their search index, keyed on the FAQ) take turns in memory.
 */
function withLazyFaq(rest: Omit<Territory, 'faq'> | Territory, packedFaq: Buffer, faqs: FaqCache): Territory {
  return Object.defineProperty(rest, 'faq', {
    enumerable: true,
    get: () => faqs.unpack(packedFaq),
  }) as Territory;
}

/** Least recently used entries leave first (Map keeps insertion order). */
class Lru<K, V> {
  private readonly entries = new Map<K, V>();
  constructor(readonly capacity: number) {}

  get(key: K): V | undefined {
    const hit = this.entries.get(key);
    if (hit !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, hit);
    }
    return hit;
  }

  set(key: K, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }

  delete(key: K): void {
    this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}

/**
 * The parsed FAQs of the most recently used territories, keyed by their packed bytes: a hot reload packs a new
 * buffer, so a territory's old FAQ is never served again and simply ages out.
 */
export class FaqCache extends Lru<Buffer, Territory['faq']> {
  /** FAQs inflated again after they had left the cache (or were never in it), since the start. */
  inflations = 0;

  unpack(packed: Buffer): Territory['faq'] {
    const hit = this.get(packed);
    if (hit) return hit;
    const faq = JSON.parse(inflateRawSync(packed).toString('utf8')) as Territory['faq'];
    this.inflations += 1;
    this.set(packed, faq);
    return faq;
  }
}

/**
 * The most recently used territories' content, shared by successive catalogs so that a hot reload of one
 * territory keeps the others' objects (and what is computed from them: tenant profile, answers). Their FAQs
 * have a smaller cache of their own (`faqs`).
 */
export class TerritoryCache extends Lru<string, Territory> {
  /** Territories inflated again after they had left the cache (or were never in it), since the start. */
  inflations = 0;
  readonly faqs: FaqCache;
  /** Sized by TERRITORY_CACHE_SIZE and FAQ_CACHE_SIZE (their defaults below), at least one of each. */
  constructor(options: LoadOptions = {}) {
    super(Math.max(options.cacheSize ?? DEFAULT_TERRITORY_CACHE_SIZE, 1));
    this.faqs = new FaqCache(Math.max(options.faqCacheSize ?? DEFAULT_FAQ_CACHE_SIZE, 1));
  }
}

/** Default number of territories whose content stays parsed (TERRITORY_CACHE_SIZE). */
export const DEFAULT_TERRITORY_CACHE_SIZE = 2000;
/** Default number of territories whose FAQ stays parsed (FAQ_CACHE_SIZE). */
export const DEFAULT_FAQ_CACHE_SIZE = 256;

/**
 * A catalog for a platform of many territories: every territory was validated, but only the `cache`'s most
 * recently used ones are parsed objects; the others stay deflated JSON and are inflated on first use (no file is
 * read then). Channel lookups and summaries are maps over all territories.
 */
export function createLazyCatalog(
  stored: readonly StoredTerritory[],
  cache: TerritoryCache,
  reloaded: readonly string[] = stored.map((s) => s.summary.id),
): TerritoryCatalog & { stored: readonly StoredTerritory[]; cache: TerritoryCache } {
  const first = stored[0];
  if (!first) throw new TerritoryError([{ file: '', field: '', message: 'no territory found' }]);
  const byId = new Map(stored.map((s) => [s.summary.id, s]));
  const summaries = Object.freeze(stored.map((s) => s.summary));
  const index = channelIndex(summaries);
  const get = (id: string | undefined): Territory | undefined => {
    if (id === undefined) return undefined;
    const hit = cache.get(id);
    if (hit) return hit;
    const entry = byId.get(id);
    if (!entry) return undefined;
    const territory = unpack(entry, cache.faqs);
    cache.inflations += 1;
    cache.set(id, territory);
    return territory;
  };
  const loadedAt = new Date();
  return {
    stored,
    cache,
    list: () => stored.map((s) => get(s.summary.id)!),
    summaries: () => summaries,
    get,
    allowsOrigin: (origin) => index.origins.has(origin),
    reloaded,
    byTwilioNumber: (n) => get(index.byNumber.get(normalizePhoneNumber(n))),
    byWebchatKey: (k) => get(index.byKey.get(k)),
    byBotAppId: (a) => get(index.byApp.get(a)),
    default: () => get(first.summary.id)!,
    loadedAt,
    cacheStats: () => ({
      territories: stored.length,
      parsed: cache.size,
      inflations: cache.inflations,
      faqsParsed: cache.faqs.size,
      faqInflations: cache.faqs.inflations,
    }),
  };
}

function exists(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

function readStructured(file: string): unknown {
  const text = readFileSync(file, 'utf8');
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

/** The regular files of a folder, listed once: a platform's start would otherwise stat ~25 names per folder. */
function filesOf(dir: string): Set<string> {
  try {
    return new Set(
      readdirSync(dir, { withFileTypes: true })
        .filter((e) => e.isFile() || (e.isSymbolicLink() && exists(path.join(dir, e.name))))
        .map((e) => e.name),
    );
  } catch {
    return new Set();
  }
}

function findFile(dir: string, base: string, files: Set<string>): string | undefined {
  for (const ext of ['.json', '.yaml', '.yml']) {
    const file = path.join(dir, base + ext);
    if (files.has(base + ext)) return file;
  }
  return undefined;
}

/** Loads and validates one territory folder. */
export function loadTerritoryFolder(dir: string): Promise<Territory> {
  try {
    return Promise.resolve(loadTerritoryFolderSync(dir));
  } catch (e) {
    return Promise.reject(e as Error);
  }
}

/**
 * The same, synchronously: files are small and read one after the other anyway, and a platform's start reads
 * thousands of them, where the promise machinery per file costs more than the read.
 */
export function loadTerritoryFolderSync(dir: string): Territory {
  let mainFile: string | undefined;
  const files = filesOf(dir);
  for (const name of MAIN_FILES) {
    if (files.has(name)) {
      mainFile = path.join(dir, name);
      break;
    }
  }
  if (!mainFile)
    throw new TerritoryError([
      { file: displayPath(dir), field: '', message: 'missing territory.json (or territory.yaml)' },
    ]);
  const raw = readStructured(mainFile);
  if (!isRecord(raw))
    throw new TerritoryError([{ file: displayPath(mainFile), field: '', message: 'must be a JSON object' }]);

  // Which file each top-level key came from, to report issues against the right file.
  const origin = new Map<string, string>();
  const merged: Record<string, unknown> = { ...raw };
  for (const key of SPLIT_KEYS) {
    const file = findFile(dir, kebab(key), files);
    if (!file) continue;
    if (key in raw)
      throw new TerritoryError([
        {
          file: displayPath(file),
          field: key,
          message: `"${key}" is also defined in ${path.basename(mainFile)}`,
        },
      ]);
    const content = readStructured(file);
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
function checkUnique(territories: readonly { territory: TerritorySummary; file: string }[]): void {
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

/** The territory folders of the directories, in catalog order (directories as given, folders by name). */
export function territoryFolders(dirs: string | readonly string[]): string[] {
  const roots = typeof dirs === 'string' ? [dirs] : [...dirs];
  const folders: string[] = [];
  for (const root of roots) {
    let entries;
    try {
      entries = readdirSync(root, { withFileTypes: true });
    } catch (e) {
      throw new TerritoryError([
        { file: displayPath(root), field: '', message: `cannot read directory (${(e as Error).message})` },
      ]);
    }
    folders.push(
      ...entries
        .filter((e) => e.isDirectory() && !e.name.startsWith('.') && !e.name.startsWith('_'))
        .map((e) => e.name)
        .sort()
        .map((name) => path.join(root, name)),
    );
  }
  if (folders.length === 0)
    throw new TerritoryError([
      { file: roots.map(displayPath).join(path.delimiter), field: '', message: 'no territory found' },
    ]);
  return folders;
}

export interface LoadOptions {
  /**
   * How many territories' content stays parsed (default 2,000). With more territories than this, the catalog keeps
   * the others deflated and inflates them on use (createLazyCatalog); with fewer, everything stays parsed.
   */
  cacheSize?: number;
  /** How many of them keep their FAQ parsed too (default 256): the others' FAQ is inflated when a turn reads it. */
  faqCacheSize?: number;
}

/** Checks that no channel address is claimed twice; the file named is each territory's main file. */
export function checkStoredUnique(stored: readonly StoredTerritory[]): void {
  checkUnique(
    stored.map((s) => ({ territory: s.summary, file: displayPath(path.join(s.folder, 'territory.json')) })),
  );
}

/** Loads every territory folder of one or several directories. Throws a TerritoryError on bad content. */
export function loadTerritories(
  dirs: string | readonly string[],
  options: LoadOptions = {},
): Promise<TerritoryCatalog> {
  try {
    return Promise.resolve(loadTerritoriesSync(dirs, options));
  } catch (e) {
    return Promise.reject(e as Error);
  }
}

export function loadTerritoriesSync(
  dirs: string | readonly string[],
  options: LoadOptions = {},
): TerritoryCatalog {
  const folders = territoryFolders(dirs);
  const cache = new TerritoryCache(options);
  const stored: StoredTerritory[] = [];
  // The strings the territories kept parsed have in common, one copy each (dropped after the load: the
  // territories keep the shared strings themselves).
  const strings = new Map<string, string>();
  for (const folder of folders) {
    const territory = loadTerritoryFolderSync(folder);
    const entry = storeTerritory(territory, folder);
    stored.push(entry);
    // The first territories the cache holds stay parsed as validated: a deployment of a few territories never
    // inflates anything, and keeps exactly the objects it validated. Their FAQ goes to the FAQ cache like any
    // other, so that it is let go when it leaves it.
    if (stored.length <= cache.capacity) {
      if (folders.length > 1) shareStrings(territory, strings, ['faq']);
      cache.faqs.set(entry.packedFaq, territory.faq);
      cache.set(territory.id, withLazyFaq(territory, entry.packedFaq, cache.faqs));
    }
  }
  checkStoredUnique(stored);
  return createLazyCatalog(stored, cache);
}
