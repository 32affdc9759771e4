// Produces and keeps each territory's open-data snapshot: built by the daily job (server/container.ts), or on
// the first request of a day when the job has not run yet; every request of that day is then served the same
// snapshot from memory (one per instance; they agree because the figures stop at yesterday). The map of open
// reports changes during the day: it is read again at most every minute.
import { setTimeout as delay } from 'node:timers/promises';
import type { RecordedRequestType } from '../../bot/intent-module';
import type { Logger } from '../../bot/logger';
import type { TerritoryProvider } from '../../knowledge/territory';
import { placeIsPublic } from '../anonymise';
import { vocabularyFor } from '../vocabulary';
import { buildSnapshot, dayIn, type OpenDataSnapshot } from './dataset';
import { blurPosition } from './map';
import type { OpenDataStore } from './ports';

/** The public map shows at most this many open reports (the newest). */
export const MAP_LIMIT = 1000;
const MAP_TTL_MS = 60_000;

export interface MapPoint {
  lat: number;
  lon: number;
  category: string;
  status: string;
  /** YYYY-MM-DD (territory time). */
  date: string;
}

export interface PublicMap {
  points: MapPoint[];
  truncated: boolean;
}

export interface OpenDataPublisherOptions {
  store: OpenDataStore;
  territories: TerritoryProvider;
  requestTypes: readonly RecordedRequestType[];
  /** OPEN_DATA_K_ANONYMITY. */
  k: number;
  clock?: () => Date;
  logger: Logger;
}

export class OpenDataPublisher {
  private readonly snapshots = new Map<string, Promise<OpenDataSnapshot>>();
  private readonly maps = new Map<string, { at: number; map: Promise<PublicMap> }>();
  private readonly clock: () => Date;

  constructor(private readonly options: OpenDataPublisherOptions) {
    this.clock = options.clock ?? (() => new Date());
  }

  get k(): number {
    return this.options.k;
  }

  /** The tenant's snapshot of today (figures up to yesterday); undefined for an unknown tenant. */
  snapshot(tenantId: string): Promise<OpenDataSnapshot> | undefined {
    const territory = this.options.territories.current().get(tenantId);
    if (!territory) return undefined;
    const today = dayIn(this.clock(), territory.timeZone);
    const key = `${tenantId}/${today}`;
    let snapshot = this.snapshots.get(key);
    if (!snapshot) {
      for (const old of this.snapshots.keys()) if (old.startsWith(`${tenantId}/`)) this.snapshots.delete(old);
      snapshot = buildSnapshot({
        store: this.options.store,
        territory,
        vocabulary: vocabularyFor(territory, this.options.requestTypes),
        k: this.options.k,
        now: this.clock(),
      });
      this.snapshots.set(key, snapshot);
      // A failed build is not kept: the next request tries again.
      snapshot.catch(() => this.snapshots.delete(key));
    }
    return snapshot;
  }

  /**
   * Builds today's snapshot of every territory (the daily job); returns how many were built. An aborted signal
   * (the server stopping) ends it after the territory in progress: the others are built on demand.
   */
  async refreshAll(signal?: AbortSignal): Promise<number> {
    let built = 0;
    // Summaries, not list(): on a platform, each territory's content is inflated only when its turn comes.
    for (const territory of this.options.territories.current().summaries()) {
      if (signal?.aborted) break;
      const started = performance.now();
      await this.snapshot(territory.id);
      built += 1;
      // Paced: after each territory, a pause as long as its build. On a platform of 2,000 territories the job
      // is ~2 minutes of database work, and unpaced it took the database from the citizens' turns (BENCHMARKS.md,
      // "Platform": p99 at 250 turns/s 8.9 s while it ran, 0.4 s without it); paced, it leaves half a core free.
      // (Cut short by the signal: rejected then, which only means "stop now".)
      await delay(performance.now() - started, undefined, { signal, ref: false }).catch(() => undefined);
    }
    return built;
  }

  /** The open public-space reports, blurred to a grid, with category, status and day only. */
  map(tenantId: string): Promise<PublicMap> | undefined {
    const territory = this.options.territories.current().get(tenantId);
    if (!territory) return undefined;
    const now = this.clock().getTime();
    const cached = this.maps.get(tenantId);
    if (cached && now - cached.at < MAP_TTL_MS) return cached.map;
    const vocabulary = vocabularyFor(territory, this.options.requestTypes);
    const types = this.options.requestTypes.map((t) => t.type).filter(placeIsPublic);
    const map = this.options.store
      .openPlaces(tenantId, territory.timeZone, types, MAP_LIMIT + 1)
      .then((places) => ({
        truncated: places.length > MAP_LIMIT,
        points: places.slice(0, MAP_LIMIT).map((p) => ({
          ...blurPosition(p),
          category:
            (p.category ? vocabulary.categories[`${p.type}:${p.category}`] : undefined) ??
            vocabulary.requestTypes[p.type] ??
            p.type,
          status: vocabulary.statuses[p.status] ?? p.status,
          date: p.day,
        })),
      }));
    this.maps.set(tenantId, { at: now, map });
    map.catch(() => this.maps.delete(tenantId));
    return map;
  }
}
