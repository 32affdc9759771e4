// The address API's answers kept for a day, in memory: the same street is reported again and again (a pothole
// on the main road, a streetlight three citizens saw), the web chat's pin asks for the address under it as the
// citizen places it, and every lookup spared is one less against the national API's limit per IP (50 a second,
// shared by every territory of a platform). Concurrent lookups of the same key share one call. Failures are never
// kept: the next lookup asks again. Nothing ties an entry to a person: the key is the address text or a position.
import { LRUCache } from 'lru-cache';
import type { GeocodeFilter, GeocodeResult, Geocoder } from '../../bot/ports/geocoder';

export const DEFAULT_GEOCODER_CACHE_ENTRIES = 10_000;
/** Addresses change rarely, and the national base is published once a day. */
export const GEOCODER_CACHE_TTL_MS = 24 * 3600 * 1000;

export interface CachingGeocoderOptions {
  /** Answers kept at most (the least recently used go first). */
  maxEntries?: number;
  ttlMs?: number;
}

type Lookup = () => Promise<GeocodeResult | null>;
// lru-cache keeps no null: "no match" is kept as an entry without a result.
interface Entry {
  result: GeocodeResult | null;
}

const freeze = (result: GeocodeResult | null): GeocodeResult | null =>
  result ? Object.freeze(result) : null;

/** About a metre: two pins that close have the same nearest address. */
const POSITION_DIGITS = 5;

export class CachingGeocoder implements Geocoder {
  private readonly cache: LRUCache<string, Entry, Lookup>;
  /** Lookups answered from memory, or by a call another lookup of the same key had under way. */
  private answered = 0;

  constructor(
    private readonly inner: Geocoder,
    options: CachingGeocoderOptions = {},
  ) {
    this.cache = new LRUCache<string, Entry, Lookup>({
      max: options.maxEntries ?? DEFAULT_GEOCODER_CACHE_ENTRIES,
      ttl: options.ttlMs ?? GEOCODER_CACHE_TTL_MS,
      // Expired answers are dropped when they expire, not when next read (a quiet instance keeps nothing longer).
      ttlAutopurge: true,
      // A call under way stays so when its entry is pushed out by newer ones: its callers still get its answer.
      ignoreFetchAbort: true,
      // Shared by every caller for a day: nobody may change one.
      fetchMethod: async (_key, _stale, { context }) => ({ result: freeze(await context()) }),
    });
  }

  geocode(query: string, filter: GeocodeFilter = {}): Promise<GeocodeResult | null> {
    // The API ignores case and repeated spaces; so does the key.
    const text = query.replace(/\s+/g, ' ').trim().toLowerCase();
    const key = `search\n${text}\n${filter.citycode ?? ''}\n${filter.postcode ?? ''}`;
    return this.lookup(key, () => this.inner.geocode(query, filter));
  }

  reverse(point: { lat: number; lon: number }): Promise<GeocodeResult | null> {
    const key = `reverse\n${point.lat.toFixed(POSITION_DIGITS)}\n${point.lon.toFixed(POSITION_DIGITS)}`;
    return this.lookup(key, () => this.inner.reverse(point));
  }

  /**
   * Lookups answered from memory or by a call under way, so far (read by the metrics when scraped; the calls
   * themselves are counted by the API adapter).
   */
  answeredFromMemory(): number {
    return this.answered;
  }

  private async lookup(key: string, ask: Lookup): Promise<GeocodeResult | null> {
    const status: LRUCache.Status<string, Entry, Lookup> = {};
    const pending = this.cache.fetch(key, { context: ask, status });
    // Without an abort signal fetch() settles with the entry, or with the lookup's rejection (nothing kept).
    const entry = (await pending)!;
    // Set synchronously by fetch(): whether this lookup called the API, or found an answer or a call under way.
    if (!status.fetchDispatched) this.answered += 1;
    return entry.result;
  }
}
