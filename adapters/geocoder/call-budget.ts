// A platform's calls to the address API kept under its limit: the national API answers at most 50 calls a second
// per IP (adresse.data.gouv.fr/api-doc/adresse), and every territory and instance of a platform behind one address
// share that. Before each call the API adapter asks the budget; past it, the call waits for a later second if one
// comes soon enough, else it is refused as the API's own 429 would be — the report is recorded with its address
// text and located later by the retry job, the web chat's pin shows its coordinates — instead of the platform's
// address being throttled for everyone.
import {
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
  RLWrapperTimeouts,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';
import { GeocoderUnavailableError } from '../../bot/ports/geocoder';
import type { RedisClient } from '../redis';

/**
 * Half the national API's 50 a second per IP: the budget counts in fixed one-second windows, and up to twice
 * the budget can pass within a few milliseconds across a window's edge (waiting calls all go at its start).
 */
export const DEFAULT_GEOCODER_MAX_PER_SECOND = 25;

/** Past this a Redis that stopped answering (connected, not down) is left for the instance's own count. */
const REDIS_ANSWER_MS = 100;
/**
 * Redis expires a window's key only once its time is strictly past, and a timer may fire a little early: a call
 * woken exactly at `msBeforeNext` still found the old window about half the time (measured). A few ms more, and
 * a call that still finds it asks again (within its wait).
 */
const WINDOW_MARGIN_MS = 5;

export interface CallBudget {
  /** Resolves when a call may go now; throws GeocoderUnavailableError when none may within the wait allowed. */
  admit(): Promise<void>;
  /** Calls refused so far (read by the metrics when scraped). */
  refused(): number;
}

export interface CallBudgetOptions {
  perSecond: number;
  /**
   * Shared by the instances when given (the fail-fast client). While Redis is down or not answering, each
   * instance counts alone: N instances may then send N times the budget.
   */
  redis?: RedisClient;
  keyPrefix?: string;
  /** The longest a call waits for a later second's budget (default 1.1 s: the next second, whenever it came). */
  maxWaitMs?: number;
}

export function createCallBudget(options: CallBudgetOptions): CallBudget {
  const keyPrefix = `${options.keyPrefix ?? 'guichet:'}geocoder-budget`;
  const maxWaitMs = options.maxWaitMs ?? 1100;
  const memory = new RateLimiterMemory({ points: options.perSecond, duration: 1, keyPrefix });
  const limiter: Pick<RateLimiterAbstract, 'consume'> = options.redis
    ? new RLWrapperTimeouts({
        limiter: new RateLimiterRedis({
          storeClient: options.redis,
          points: options.perSecond,
          duration: 1,
          keyPrefix,
          rejectIfRedisNotReady: true,
        }),
        insuranceLimiter: memory,
        timeoutMs: REDIS_ANSWER_MS,
      })
    : memory;
  /** 0 when a call may go now, else the milliseconds until the window that may have room. */
  const take = (): Promise<number> =>
    limiter.consume('calls').then(
      () => 0,
      (outcome: unknown) =>
        // Neither Redis nor the insurance limiter answered: the call goes (the API's 429 is handled anyway).
        outcome instanceof RateLimiterRes ? Math.max(1, outcome.msBeforeNext) : 0,
    );
  let refused = 0;
  return {
    async admit() {
      const deadline = Date.now() + maxWaitMs;
      for (;;) {
        const wait = await take();
        if (wait === 0) return;
        if (Date.now() + wait > deadline) break;
        await new Promise((resolve) => setTimeout(resolve, wait + WINDOW_MARGIN_MS));
      }
      refused += 1;
      throw new GeocoderUnavailableError('Address API budget spent for now (GEOCODER_MAX_PER_SECOND)');
    },
    refused: () => refused,
  };
}
