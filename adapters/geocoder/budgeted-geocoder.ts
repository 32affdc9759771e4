// A platform's calls to the address API kept under its limit: the national API answers at most 50 calls a second
// per IP (adresse.data.gouv.fr/api-doc/adresse), and every territory and instance of a platform behind one address
// share that. Past the budget, a call waits for the next second if it comes soon enough, else it is refused as the
// API's own 429 would be — the report is recorded with its address text and located later by the retry job, the
// web chat's pin shows its coordinates — instead of the platform's address being throttled for everyone.
import {
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';
import {
  GeocoderUnavailableError,
  type GeocodeFilter,
  type GeocodeResult,
  type Geocoder,
} from '../../bot/ports/geocoder';
import type { RedisClient } from '../redis';

/** Under the national API's 50 a second per IP, leaving room for the platform's other tools on that address. */
export const DEFAULT_GEOCODER_MAX_PER_SECOND = 40;

/** Calls allowed each second; take() answers 0 when one may go now, else the milliseconds until one may. */
export interface CallBudget {
  take(): Promise<number>;
}

export interface CallBudgetOptions {
  perSecond: number;
  /** Shared by the instances when given (the fail-fast client: while Redis is down each instance counts alone). */
  redis?: RedisClient;
  keyPrefix?: string;
}

export function createCallBudget(options: CallBudgetOptions): CallBudget {
  const keyPrefix = `${options.keyPrefix ?? 'guichet:'}geocoder-budget`;
  const memory = new RateLimiterMemory({ points: options.perSecond, duration: 1, keyPrefix });
  const limiter: RateLimiterAbstract = options.redis
    ? new RateLimiterRedis({
        storeClient: options.redis,
        points: options.perSecond,
        duration: 1,
        keyPrefix,
        rejectIfRedisNotReady: true,
        insuranceLimiter: memory,
      })
    : memory;
  return {
    take: () =>
      limiter.consume('calls').then(
        () => 0,
        (outcome: unknown) =>
          // Neither Redis nor the insurance limiter answered: the call goes (the API's 429 is handled anyway).
          outcome instanceof RateLimiterRes ? Math.max(1, outcome.msBeforeNext) : 0,
      ),
  };
}

export interface BudgetedGeocoderOptions {
  /** The longest a call waits for the next second's budget (default 1 s: within the API's own deadline). */
  maxWaitMs?: number;
}

export class BudgetedGeocoder implements Geocoder {
  private readonly maxWaitMs: number;
  private refused = 0;

  constructor(
    private readonly inner: Geocoder,
    private readonly budget: CallBudget,
    options: BudgetedGeocoderOptions = {},
  ) {
    this.maxWaitMs = options.maxWaitMs ?? 1000;
  }

  async geocode(query: string, filter?: GeocodeFilter): Promise<GeocodeResult | null> {
    await this.admit();
    return this.inner.geocode(query, filter);
  }

  async reverse(point: { lat: number; lon: number }): Promise<GeocodeResult | null> {
    await this.admit();
    return this.inner.reverse(point);
  }

  /** Calls refused because the budget was spent (read by the metrics when scraped). */
  overBudget(): number {
    return this.refused;
  }

  private async admit(): Promise<void> {
    let wait = await this.budget.take();
    if (wait > 0 && wait <= this.maxWaitMs) {
      await new Promise((resolve) => setTimeout(resolve, wait));
      wait = await this.budget.take();
    }
    if (wait > 0) {
      this.refused += 1;
      throw new GeocoderUnavailableError(
        'Address API budget spent for this second (GEOCODER_MAX_PER_SECOND)',
      );
    }
  }
}
