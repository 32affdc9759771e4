// Hot reload: watches the territory directories and reloads on change, debounced. A bad edit keeps the
// previous valid content (the caller keeps its catalog) and is reported through onError.
import { watch, type FSWatcher } from 'node:fs';
import { loadTerritories, type TerritoryCatalog } from './load';

export interface TerritoryWatcher {
  close(): void;
}

export interface WatchOptions {
  /** Editors write a file in several steps; wait this long after the last event. Default 250 ms. */
  debounceMs?: number;
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

  const reload = async (): Promise<void> => {
    if (running) {
      // A change arrived while loading: load once more afterwards, never concurrently.
      pending = true;
      return;
    }
    running = true;
    try {
      const catalog = await loadTerritories(roots);
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
    timer = setTimeout(() => void reload(), debounceMs);
    timer.unref();
  };

  const watchers: FSWatcher[] = [];
  for (const root of roots) {
    try {
      // Recursive: territory files live one folder down; editors may also replace whole folders.
      const w = watch(root, { recursive: true, persistent: false }, schedule);
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
