// The object the rest of the app keeps: it always holds the current catalog, swapped on hot reload.
// Callers read `provider.current()` per turn and never cache a Territory across turns.
import { loadTerritories, type LoadOptions, type TerritoryCatalog } from './load';
import { watchTerritories, type TerritoryWatcher } from './watch';

export interface TerritoryProviderOptions extends LoadOptions {
  /** Reload on file change (default false). */
  watch?: boolean;
  debounceMs?: number;
  /** Called after a successful reload. */
  onReload?: (catalog: TerritoryCatalog) => void;
  /** Called when a reload fails; the previous catalog stays in place. */
  onError?: (error: unknown) => void;
}

export class TerritoryProvider {
  private catalog: TerritoryCatalog;
  private watcher: TerritoryWatcher | undefined;
  private readonly listeners = new Set<(catalog: TerritoryCatalog) => void>();

  constructor(catalog: TerritoryCatalog) {
    this.catalog = catalog;
  }

  /** Loads the directories (throws a TerritoryError on bad content), optionally watching them. */
  static async fromDirectories(
    dirs: string | readonly string[],
    options: TerritoryProviderOptions = {},
  ): Promise<TerritoryProvider> {
    const provider = new TerritoryProvider(
      await loadTerritories(dirs, { cacheSize: options.cacheSize, faqCacheSize: options.faqCacheSize }),
    );
    if (options.watch) {
      provider.watcher = watchTerritories(
        dirs,
        (catalog) => {
          provider.replace(catalog);
          options.onReload?.(catalog);
        },
        (error) => options.onError?.(error),
        {
          debounceMs: options.debounceMs,
          cacheSize: options.cacheSize,
          faqCacheSize: options.faqCacheSize,
          current: () => provider.current(),
        },
      );
    }
    return provider;
  }

  current(): TerritoryCatalog {
    return this.catalog;
  }

  replace(catalog: TerritoryCatalog): void {
    this.catalog = catalog;
    for (const listener of this.listeners) listener(catalog);
  }

  /** Notified on every replacement (e.g. to rebuild a FAQ index). Returns an unsubscribe function. */
  subscribe(listener: (catalog: TerritoryCatalog) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stops watching. */
  close(): void {
    this.watcher?.close();
    this.watcher = undefined;
  }
}
