// Every Twilio webhook proves it comes from Twilio with X-Twilio-Signature: an HMAC of the URL Twilio
// called and the POSTed parameters, keyed with the account's auth token. The URL is rebuilt from
// PUBLIC_URL (what Twilio sees, behind any proxy) and the path, and checked with the twilio library.
// Anything unsigned or wrongly signed gets a 403 before a single byte is stored.
import type { Request, RequestHandler } from 'express';
import twilio from 'twilio';
import { sameSecret } from '../../bot/constant-time';
import type { Logger } from '../../bot/logger';

export interface TwilioAuthConfig {
  authToken?: string;
  /** When set, a webhook for another account is refused even if signed (defence in depth). */
  accountSid?: string;
  /** TWILIO_DEV_SKIP_SIGNATURE: development only (config refuses it in production). */
  skipSignature: boolean;
  /** PUBLIC_URL, e.g. https://guichet.example.fr; when absent, the request's own host is used. */
  publicUrl?: string;
}

export type TwilioAuthMode = 'verified' | 'dev-skip' | 'disabled';

export function twilioAuthMode(config: TwilioAuthConfig): TwilioAuthMode {
  if (config.skipSignature) return 'dev-skip';
  return config.authToken ? 'verified' : 'disabled';
}

/** The URL Twilio signed: the configured public base + the path and query this app received. */
export function webhookUrl(req: Request, publicUrl: string | undefined): string {
  const base = (publicUrl ?? `${req.protocol}://${req.get('host') ?? 'localhost'}`).replace(/\/$/, '');
  return `${base}${req.originalUrl}`;
}

const forbidden = (res: Parameters<RequestHandler>[1]) =>
  res.status(403).json({ error: { code: 'FORBIDDEN', message: 'Invalid or missing Twilio signature' } });

/**
 * Express middleware (after the urlencoded parser). Logs once at creation what mode it runs in, so the
 * start log says when the Twilio channels are disabled or unverified.
 */
export function twilioSignatureGuard(
  config: TwilioAuthConfig,
  logger: Logger,
  channel: string,
): RequestHandler {
  const mode = twilioAuthMode(config);
  if (mode === 'disabled') {
    logger.warn(
      `Twilio ${channel} channel is disabled: set TWILIO_AUTH_TOKEN (every webhook gets 403 until then)`,
    );
  } else if (mode === 'dev-skip') {
    logger.warn(
      `Twilio ${channel} channel: signatures are NOT verified (TWILIO_DEV_SKIP_SIGNATURE, development only)`,
    );
  }
  return (req, res, next) => {
    if (mode === 'dev-skip') return next();
    if (mode === 'disabled' || !config.authToken) {
      forbidden(res);
      return;
    }
    const signature = req.get('x-twilio-signature');
    const params = isParams(req.body) ? req.body : {};
    const url = webhookUrl(req, config.publicUrl);
    if (!signature || !signedBy(config.authToken, signature, url, params)) {
      logger.warn('Twilio webhook refused: bad signature', {
        channel,
        path: req.path,
        signature: signature ? 'wrong' : 'missing',
        hint: 'PUBLIC_URL must be the base URL configured in the Twilio console',
      });
      forbidden(res);
      return;
    }
    const accountSid = params.AccountSid;
    if (config.accountSid && typeof accountSid === 'string' && accountSid !== config.accountSid) {
      logger.warn('Twilio webhook refused: another account', { channel });
      forbidden(res);
      return;
    }
    next();
  };
}

/**
 * The URL as configured is the one Twilio signs: checked first, one HMAC. The library's own check tries the URL
 * without its port first, then with it, then forms normalised by `new URL()`: with a port in PUBLIC_URL (the
 * bench's, a commune's server on :8080) every genuine webhook cost two HMACs of its ~20 parameters.
 */
function signedBy(
  authToken: string,
  signature: string,
  url: string,
  params: Record<string, string | string[]>,
): boolean {
  return (
    sameSecret(signature, twilio.getExpectedTwilioSignature(authToken, url, params)) ||
    twilio.validateRequest(authToken, signature, url, params)
  );
}

const isParams = (body: unknown): body is Record<string, string | string[]> =>
  typeof body === 'object' && body !== null && !Array.isArray(body);
