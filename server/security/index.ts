// The security layer the app runs before any router: size limits, security headers, rate limits.
import type { RequestHandler } from 'express';
import type { Logger } from '../../bot/logger';
import type { RedisClient } from '../../adapters/redis';
import type { SenderLimit } from '../../channels/twilio-common';
import { securityHeaders } from './headers';
import { createLimitsMiddleware, createSenderLimit } from './limits-middleware';
import { createRateLimiter, type RateLimiter } from './rate-limit';
import { requestSizeGuard, type UploadLimit } from './size-limits';

export { securityHeaders, type SecurityHeadersOptions } from './headers';
export {
  createRateLimiter,
  DEFAULT_RATE_LIMITS,
  type RateLimiter,
  type RateLimitSettings,
  type LimitDecision,
  type LimitKind,
} from './rate-limit';
export {
  createLimitsMiddleware,
  createSenderLimit,
  DEFAULT_EXEMPT_IPS,
  type LimitsMiddlewareOptions,
} from './limits-middleware';
export { createTwilioFallback, type TwilioFallbackOptions } from './twilio-fallback';
export { requestSizeGuard, MAX_BODY_BYTES, MAX_URL_LENGTH, type SizeLimits } from './size-limits';

export interface SecurityLayerOptions {
  publicUrl?: string;
  logger: Logger;
  /** Upload routes with a body limit of their own (see size-limits.ts). */
  uploads?: readonly UploadLimit[];
  /** Undefined: no rate limits (load tests only). */
  rateLimits?: {
    senderPerMinute: number;
    ipPerMinute: number;
    webhookIpPerMinute: number;
    exemptIps: readonly string[];
    redis?: RedisClient;
    keyPrefix?: string;
  };
}

export interface SecurityLayer {
  /** For createApp({ before }): run in this order for every request. */
  before: RequestHandler[];
  limiter?: RateLimiter;
  /** For the channels that count their senders themselves (Twilio: after the signature check). */
  senderLimit?: SenderLimit;
}

export function createSecurityLayer(options: SecurityLayerOptions): SecurityLayer {
  const before: RequestHandler[] = [
    requestSizeGuard({ uploads: options.uploads }),
    securityHeaders({ publicUrl: options.publicUrl }),
  ];
  let limiter: RateLimiter | undefined;
  let senderLimit: SenderLimit | undefined;
  if (options.rateLimits) {
    const { redis, keyPrefix, exemptIps, ...settings } = options.rateLimits;
    limiter = createRateLimiter({ settings, redis, keyPrefix });
    before.push(...createLimitsMiddleware({ limiter, logger: options.logger, exemptIps }));
    senderLimit = createSenderLimit(limiter, options.logger);
  }
  return { before, limiter, senderLimit };
}
