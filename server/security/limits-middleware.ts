// Where the rate limits apply: per client IP on everything (health checks excepted), in front of the
// routers, and per sender on the message endpoints — the web chat conversation here, the Twilio `From`
// inside the Twilio channels (createSenderLimit: they count it once they verified the signature, so a
// forged webhook cannot spend a citizen's budget). A refused message never reaches the engine.
import express, { type NextFunction, type RequestHandler, type Response } from 'express';
import { say, type Locale } from '../../bot/i18n';
import type { Logger } from '../../bot/logger';
import { TOO_MANY_MESSAGES as TOO_MANY, type SenderLimit } from '../../channels/twilio-common';
import type { LimitDecision, RateLimiter } from './rate-limit';

export interface LimitsMiddlewareOptions {
  limiter: RateLimiter;
  logger: Logger;
  /** Client IPs never limited per IP (still per sender). Default: loopback (see SECURITY.md). */
  exemptIps?: readonly string[];
  /** Body limit of the web chat messages (the router's own). */
  webchatBodyLimit?: string;
}

export const DEFAULT_EXEMPT_IPS = ['127.0.0.1', '::1', '::ffff:127.0.0.1'];

const WEBHOOK_PATHS = /^\/(channels\/twilio\/|api\/messages$)/;
const HEALTH_PATHS = new Set(['/healthz', '/readyz']);
const WEBCHAT_MESSAGES = '/channels/webchat/messages';
const WEBCHAT_MEDIA = '/channels/webchat/media';
const CONVERSATION_ID = /^wc_[A-Za-z0-9_-]{16,64}$/;

export function createLimitsMiddleware(options: LimitsMiddlewareOptions): RequestHandler[] {
  const exempt = new Set(options.exemptIps ?? DEFAULT_EXEMPT_IPS);
  const { limiter } = options;

  const perIp: RequestHandler = async (req, res, next) => {
    if (HEALTH_PATHS.has(req.path)) return next();
    const ip = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    if (exempt.has(ip)) return next();
    const decision = await limiter.consume(WEBHOOK_PATHS.test(req.path) ? 'webhook-ip' : 'ip', ip);
    if (decision.allowed) return next();
    if (decision.firstRefusal) options.logger.warn('rate limit: client IP refused', { path: req.path });
    refuseJson(res, decision, 'fr');
  };

  const webchatJson = express.json({ limit: options.webchatBodyLimit ?? '16kb' });
  const perConversation: RequestHandler = (req, res, next) => {
    if (req.method === 'POST' && req.path === WEBCHAT_MEDIA) {
      // A photo counts as a message of its conversation (named in the query: the body is the image).
      const id = req.query.conversationId;
      if (typeof id !== 'string' || !CONVERSATION_ID.test(id)) return next();
      limiter
        .consume('sender', `webchat:${id}`)
        .then((decision) => {
          if (decision.allowed) return next();
          if (decision.firstRefusal) options.logger.warn('rate limit: web chat conversation refused', {});
          refuseJson(res, decision, 'fr');
        })
        .catch(next);
      return;
    }
    if (req.method !== 'POST' || req.path !== WEBCHAT_MESSAGES) return next();
    // Parsed here so the conversation id is known; the router's own parser then skips the read body.
    const checkConversation = async (error?: unknown): Promise<void> => {
      if (error) return next(error);
      const body = req.body as { conversationId?: unknown; locale?: unknown } | undefined;
      const id = body?.conversationId;
      // No (valid) id: a new conversation, which only the per-IP limit can bound.
      if (typeof id !== 'string' || !CONVERSATION_ID.test(id)) return next();
      const decision = await limiter.consume('sender', `webchat:${id}`);
      if (decision.allowed) return next();
      if (decision.firstRefusal) options.logger.warn('rate limit: web chat conversation refused', {});
      refuseJson(res, decision, body?.locale === 'en' ? 'en' : 'fr');
    };
    webchatJson(req, res, handOverFailure(next, checkConversation));
  };

  return [perIp, perConversation];
}

/** A body parser's callback cannot return a promise: a failure of the async check goes to express's error
 * handler instead of becoming an unhandled rejection. */
const handOverFailure =
  (next: NextFunction, check: (error?: unknown) => Promise<void>) =>
  (error?: unknown): void => {
    check(error).catch(next);
  };

function refuseJson(res: Response, decision: LimitDecision, locale: Locale): void {
  res.set('Retry-After', String(decision.retryAfterS));
  res.status(429).json({
    error: { code: 'RATE_LIMITED', message: 'Too many requests, please retry later' },
    messages: [{ type: 'text', text: say(TOO_MANY, locale) }],
  });
}

/**
 * The per-sender limit the Twilio channels count themselves, with their own key, after verifying the
 * signature (channels/twilio-common/sender-limit.ts): the signature is checked once, by the channel.
 */
export function createSenderLimit(limiter: RateLimiter, logger: Logger): SenderLimit {
  return {
    async consume(key) {
      const decision = await limiter.consume('sender', key);
      if (!decision.allowed && decision.firstRefusal)
        logger.warn('rate limit: Twilio sender refused', { medium: key.split(':')[0] });
      return decision;
    },
  };
}
