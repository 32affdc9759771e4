// Outbound adapter for the Geocoder port (bot/ports/geocoder.ts): the national address API, behind a cache of its
// answers, its calls under a budget per second shared by a platform's instances.
import type { Geocoder } from '../../bot/ports/geocoder';
import type { RedisClient } from '../redis';
import { ApiAdresseGeocoder } from './api-adresse-geocoder';
import { createCallBudget } from './call-budget';
import { CachingGeocoder } from './caching-geocoder';

export {
  ApiAdresseGeocoder,
  DEFAULT_GEOCODER_TIMEOUT_MS,
  DEFAULT_GEOCODER_URL,
  type ApiAdresseGeocoderOptions,
} from './api-adresse-geocoder';
export { createCallBudget, DEFAULT_GEOCODER_MAX_PER_SECOND, type CallBudget } from './call-budget';
export { CachingGeocoder, DEFAULT_GEOCODER_CACHE_ENTRIES } from './caching-geocoder';

export interface GeocoderOptions {
  baseUrl?: string;
  timeoutMs?: number;
  /** Calls a second across the instances sharing `redis`; 0: no budget (a self-hosted addok, say). */
  maxPerSecond: number;
  /** Answers kept in memory; 0: none. */
  cacheEntries: number;
  redis?: RedisClient;
  keyPrefix?: string;
}

/** What the geocoder did so far, for the metrics: lookups answered from memory, calls sent, calls refused. */
export interface GeocoderStats {
  cached: number;
  sent: number;
  overBudget: number;
}

/** The cache first (an answer kept spends no budget), then the API, which asks the budget before each call. */
export function createGeocoder(options: GeocoderOptions): { geocoder: Geocoder; stats: () => GeocoderStats } {
  const budget =
    options.maxPerSecond > 0
      ? createCallBudget({
          perSecond: options.maxPerSecond,
          redis: options.redis,
          keyPrefix: options.keyPrefix,
        })
      : undefined;
  const api = new ApiAdresseGeocoder({ baseUrl: options.baseUrl, timeoutMs: options.timeoutMs, budget });
  const cached =
    options.cacheEntries > 0 ? new CachingGeocoder(api, { maxEntries: options.cacheEntries }) : undefined;
  return {
    geocoder: cached ?? api,
    stats: () => ({
      cached: cached?.answeredFromMemory() ?? 0,
      sent: api.calls(),
      overBudget: budget?.refused() ?? 0,
    }),
  };
}
