// Where the rate limits apply, in front of the routers: per client IP on everything (health checks
// excepted), and per sender on the message endpoints — the web chat conversation, the Twilio `From`
// (only once the request is proven to come from Twilio, so a forged webhook cannot spend a citizen's
// budget). A refused message never reaches the engine. Twilio gets TwiML (status 200, so it does not
// retry): a polite message the first time in a window, nothing after (each SMS sent costs money).
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import twilio from 'twilio';
import { phrase, say, type Locale } from '../../bot/i18n';
import type { Logger } from '../../bot/logger';
import { twilioForm, webhookUrl, type TwilioAuthConfig } from '../../channels/twilio-common';
import type { LimitDecision, RateLimiter } from './rate-limit';

export interface LimitsMiddlewareOptions {
  limiter: RateLimiter;
  twilio: TwilioAuthConfig;
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
const CONVERSATION_ID = /^wc_[A-Za-z0-9_-]{16,64}$/;

const TOO_MANY = phrase(
  'Vous avez envoyé beaucoup de messages en peu de temps. Merci de patienter une minute avant de réécrire.',
  'You have sent many messages in a short time. Please wait a minute before writing again.',
);
const TOO_MANY_VOICE =
  'Vous avez appelé de nombreuses fois en peu de temps. Merci de rappeler dans quelques minutes. Au revoir.';

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

  const twilioSender: RequestHandler = (req, res, next) => {
    if (
      req.method !== 'POST' ||
      (req.path !== '/channels/twilio/sms' && req.path !== '/channels/twilio/voice')
    )
      return next();
    const checkSender = async (error?: unknown): Promise<void> => {
      if (error) return next(error);
      const params = (req.body ?? {}) as Record<string, unknown>;
      const from = typeof params.From === 'string' ? params.From.trim().slice(0, 64) : '';
      // Unsigned or unknown: the channel answers it (403 / 400); only proven senders are counted.
      if (!from || !isFromTwilio(req, params, options.twilio)) return next();
      const voice = req.path.endsWith('/voice');
      const decision = await limiter.consume('sender', `${voice ? 'voice' : 'messaging'}:${from}`);
      if (decision.allowed) return next();
      if (decision.firstRefusal)
        options.logger.warn('rate limit: Twilio sender refused', { channel: voice ? 'voice' : 'sms' });
      const response = voice ? new twilio.twiml.VoiceResponse() : new twilio.twiml.MessagingResponse();
      if (response instanceof twilio.twiml.VoiceResponse) {
        response.say({ language: 'fr-FR' }, TOO_MANY_VOICE);
        response.hangup();
      } else if (decision.firstRefusal) {
        response.message(say(TOO_MANY, 'fr'));
      }
      res.status(200).type('text/xml; charset=utf-8').send(response.toString());
    };
    twilioForm(req, res, handOverFailure(next, checkSender));
  };

  return [perIp, perConversation, twilioSender];
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

/** The same check as the channel's guard, without its logging (the channel logs refusals). */
function isFromTwilio(req: Request, params: Record<string, unknown>, auth: TwilioAuthConfig): boolean {
  if (auth.skipSignature) return true;
  const signature = req.get('x-twilio-signature');
  if (!auth.authToken || !signature) return false;
  const flat = Object.fromEntries(
    Object.entries(params).filter((e): e is [string, string] => typeof e[1] === 'string'),
  );
  return twilio.validateRequest(auth.authToken, signature, webhookUrl(req, auth.publicUrl), flat);
}
