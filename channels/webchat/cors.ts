// Which browser origins may call the web chat API: the territory's `channels.allowedOrigins` and the app's
// own origin. Others get no CORS headers (the browser hides the answer) and a 403 on anything but GET,
// so a foreign page cannot drive a conversation. Requests without Origin (servers, curl) are not browsers.
import type { Request, RequestHandler } from 'express';
import { GuichetError } from '../../bot/errors';
import type { WebchatTenant, WebchatTenants } from './tenants';

export interface OriginPolicy {
  /** Whether `origin` may call the API of `tenant` (or of some tenant, when it is not known yet). */
  allows(origin: string, req: Request, tenant?: WebchatTenant): boolean;
  /** Same check for code that is not an express request (the WebSocket upgrade). */
  allowsFor(origin: string, host: string | undefined, tenant: WebchatTenant): boolean;
}

export function createOriginPolicy(tenants: WebchatTenants, ownOrigins: readonly string[]): OriginPolicy {
  const own = new Set(ownOrigins);
  const isOwn = (origin: string, selfOrigins: string[]): boolean =>
    own.has(origin) || selfOrigins.includes(origin);
  // The origin the request was addressed to (the demo page served by the app is same-origin).
  const selfOf = (host: string | undefined): string[] => (host ? [`http://${host}`, `https://${host}`] : []);
  return {
    allows(origin, req, tenant) {
      const self = [`${req.protocol}://${req.get('host') ?? ''}`];
      if (isOwn(origin, self)) return true;
      return tenant ? tenant.allowedOrigins.includes(origin) : tenants.anyAllows(origin);
    },
    allowsFor(origin, host, tenant) {
      return isOwn(origin, selfOf(host)) || tenant.allowedOrigins.includes(origin);
    },
  };
}

const ALLOWED_HEADERS = 'Content-Type, X-Conversation-Token, X-Guichet-Key';

/** The tenant a request names before its body is read: `?tenant=` or the X-Guichet-Key header. */
export const tenantKeyOf = (req: Request): string | undefined =>
  (typeof req.query.tenant === 'string' ? req.query.tenant : undefined) ??
  req.get('x-guichet-key') ??
  undefined;

export function corsMiddleware(policy: OriginPolicy, tenants: WebchatTenants): RequestHandler {
  return (req, res, next) => {
    res.vary('Origin');
    const origin = req.get('origin');
    if (!origin) return next();
    const key = tenantKeyOf(req);
    const tenant = key ? tenants.resolve(key) : undefined;
    const allowed = policy.allows(origin, req, tenant);
    if (allowed) {
      res.set('Access-Control-Allow-Origin', origin);
      if (req.method === 'OPTIONS') {
        res.set({
          'Access-Control-Allow-Methods': 'GET, POST',
          'Access-Control-Allow-Headers': ALLOWED_HEADERS,
          'Access-Control-Max-Age': '600',
        });
        res.status(204).end();
        return;
      }
      return next();
    }
    if (req.method === 'GET' || req.method === 'HEAD') return next(); // readable by no foreign page
    next(new GuichetError('FORBIDDEN', 'This origin may not use the web chat of this territory'));
  };
}

/** Checked again once the body named the tenant: the origin must be allowed for that very tenant. */
export function assertOriginAllowed(policy: OriginPolicy, req: Request, tenant: WebchatTenant): void {
  const origin = req.get('origin');
  if (origin && !policy.allows(origin, req, tenant)) {
    throw new GuichetError('FORBIDDEN', 'This origin may not use the web chat of this territory');
  }
}
