// Hot reload: watches the territory directories and reloads on change, debounced. A bad edit keeps the
// previous valid content (the caller keeps its catalog) and is reported through onError.
// Only the folders that changed are read again (issue 21: a platform of 2,000 territories reloads one in
// milliseconds, and the others keep their objects and what was computed from them); a folder added or removed,
// or an event that does not say which file changed, reloads every folder.
import { existsSync, watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import {
  checkStoredUnique,
  createLazyCatalog,
  loadTerritoriesSync,
  loadTerritoryFolderSync,
  storeTerritory,
  type LoadOptions,
  type StoredTerritory,
  type TerritoryCache,
  type TerritoryCatalog,
} from './load';

export interface TerritoryWatcher {
  close(): void;
}

export interface WatchOptions extends LoadOptions {
  /** Editors write a file in several steps; wait this long after the last event. Default 250 ms. */
  debounceMs?: number;
  /** The catalog in use, to reload only what changed (a full reload without it). */
  current?: () => TerritoryCatalog;
}

type Incremental = TerritoryCatalog & { stored: readonly StoredTerritory[]; cache: TerritoryCache };
const isIncremental = (c: TerritoryCatalog | undefined): c is Incremental =>
  Boolean(c && 'stored' in c && 'cache' in c);

/**
 * The catalog with the given folders read again, or undefined when that is not enough (a folder appeared or
 * disappeared): the caller then reloads everything. Throws a TerritoryError on bad content.
 */
export function reloadFolders(
  previous: TerritoryCatalog,
  folders: ReadonlySet<string>,
): TerritoryCatalog | undefined {
  if (!isIncremental(previous)) return undefined;
  const known = new Set(previous.stored.map((s) => s.folder));
  for (const folder of folders) if (!known.has(folder) || !existsSync(folder)) return undefined;
  const stored = previous.stored.map((s) =>
    folders.has(s.folder) ? storeTerritory(loadTerritoryFolderSync(s.folder), s.folder) : s,
  );
  checkStoredUnique(stored);
  const reloaded = stored.filter((s) => folders.has(s.folder)).map((s) => s.summary.id);
  // Only the reloaded territories leave the cache; the next use inflates their new content.
  for (const s of previous.stored) if (folders.has(s.folder)) previous.cache.delete(s.summary.id);
  return createLazyCatalog(stored, previous.cache, reloaded);
}

export function watchTerritories(
  dirs: string | readonly string[],
  onReload: (catalog: TerritoryCatalog) => void,
  onError: (error: unknown) => void,
  options: WatchOptions = {},
): TerritoryWatcher {
  const roots = typeof dirs === 'string' ? [dirs] : [...dirs];
  const debounceMs = options.debounceMs ?? 250;
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let pending = false;
  let closed = false;
  /** Folders changed since the last reload; `all` when some event could not be tied to a folder. */
  let changed = new Set<string>();
  let all = false;

  const reload = (): void => {
    if (running) {
      // A change arrived while loading: load once more afterwards, never concurrently.
      pending = true;
      return;
    }
    running = true;
    const folders = changed;
    const everything = all;
    changed = new Set();
    all = false;
    try {
      const previous = options.current?.();
      const catalog =
        (!everything && previous && folders.size > 0 ? reloadFolders(previous, folders) : undefined) ??
        loadTerritoriesSync(roots, options);
      if (!closed) onReload(catalog);
    } catch (e) {
      if (!closed) onError(e);
    } finally {
      running = false;
      if (pending && !closed) {
        pending = false;
        schedule();
      }
    }
  };

  const schedule = (): void => {
    if (closed) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(reload, debounceMs);
    timer.unref();
  };

  const watchers: FSWatcher[] = [];
  for (const root of roots) {
    try {
      // Recursive: territory files live one folder down; editors may also replace whole folders.
      const w = watch(root, { recursive: true, persistent: false }, (_event, filename) => {
        const first = filename ? String(filename).split(/[\\/]/)[0] : undefined;
        // A file directly in the root, or an event without a name: the set of folders may have changed.
        if (!first || first === String(filename)) all = true;
        else if (!first.startsWith('.') && !first.startsWith('_')) changed.add(path.join(root, first));
        else return;
        schedule();
      });
      w.on('error', (e) => onError(e));
      watchers.push(w);
    } catch (e) {
      onError(e);
    }
  }

  return {
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      for (const w of watchers) w.close();
    },
  };
}
