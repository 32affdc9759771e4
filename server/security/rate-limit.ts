// Rate limits per sender (a phone number, a web chat conversation) and per client IP, sized so that a
// citizen never meets them (30 messages a minute is one every 2 s, sustained) while a flood from one
// source is cut before it reaches the engine and cannot slow anyone else down.
// Counters live in Redis when configured (shared by every instance) with an in-memory insurance limiter,
// so limits keep working (per instance) while Redis is down; embedded mode uses memory only.
import {
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';
import type { RedisClient } from '../../adapters/redis';

export interface RateLimitSettings {
  /** Messages one sender may send per minute (RATE_LIMIT_SENDER_PER_MINUTE, default 30). */
  senderPerMinute: number;
  /** Requests one client IP may make per minute (RATE_LIMIT_IP_PER_MINUTE, default 300). */
  ipPerMinute: number;
  /**
   * Requests per minute from one IP on the provider webhooks (Twilio, Bot Framework): every citizen of the
   * channel arrives from the provider's few addresses, so they get their own, much larger budget.
   */
  webhookIpPerMinute: number;
}

export const DEFAULT_RATE_LIMITS: RateLimitSettings = {
  senderPerMinute: 30,
  ipPerMinute: 300,
  webhookIpPerMinute: 6000,
};

export type LimitKind = 'sender' | 'ip' | 'webhook-ip';

export interface LimitDecision {
  allowed: boolean;
  /** The first refusal of a window (a polite message is sent once, later ones are silent). */
  firstRefusal: boolean;
  /** Seconds until the window frees a slot (Retry-After). */
  retryAfterS: number;
}

export interface RateLimiter {
  consume(kind: LimitKind, key: string): Promise<LimitDecision>;
}

export interface RateLimiterOptions {
  settings: RateLimitSettings;
  /** The shared fail-fast client: while Redis is down every call goes to the insurance limiter at once. */
  redis?: RedisClient;
  keyPrefix?: string;
}

const WINDOW_S = 60;

export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const prefix = `${options.keyPrefix ?? 'guichet:'}rl`;
  const build = (kind: LimitKind, points: number): RateLimiterAbstract => {
    const keyPrefix = `${prefix}:${kind}`;
    const memory = new RateLimiterMemory({ points, duration: WINDOW_S, keyPrefix });
    if (!options.redis) return memory;
    return new RateLimiterRedis({
      storeClient: options.redis,
      points,
      duration: WINDOW_S,
      keyPrefix,
      // ioredis 'reconnecting' → straight to the insurance limiter, no waiting on a dead socket.
      rejectIfRedisNotReady: true,
      insuranceLimiter: memory,
    });
  };
  const limiters: Record<LimitKind, RateLimiterAbstract> = {
    sender: build('sender', options.settings.senderPerMinute),
    ip: build('ip', options.settings.ipPerMinute),
    'webhook-ip': build('webhook-ip', options.settings.webhookIpPerMinute),
  };
  const points: Record<LimitKind, number> = {
    sender: options.settings.senderPerMinute,
    ip: options.settings.ipPerMinute,
    'webhook-ip': options.settings.webhookIpPerMinute,
  };

  return {
    async consume(kind, key) {
      try {
        await limiters[kind].consume(key);
        return { allowed: true, firstRefusal: false, retryAfterS: 0 };
      } catch (outcome) {
        if (outcome instanceof RateLimiterRes) {
          return {
            allowed: false,
            firstRefusal: outcome.consumedPoints === points[kind] + 1,
            retryAfterS: Math.max(1, Math.ceil(outcome.msBeforeNext / 1000)),
          };
        }
        // Neither Redis nor the insurance limiter answered: never refuse a citizen because of our counters.
        return { allowed: true, firstRefusal: false, retryAfterS: 0 };
      }
    },
  };
}
