// Security headers on every answer (helmet). The pages the app serves (demo page, privacy notice, agent
// console) load only their own scripts and styles and talk to their own origin, WebSocket included.
// The web chat widget is a script a host page injects (not an iframe): its files are made loadable
// cross-origin by the widget's own router (Cross-Origin-Resource-Policy: cross-origin), and the host
// page's CSP is the host's business. Our pages may only be framed by ourselves.
import type { RequestHandler } from 'express';
import helmet from 'helmet';

export interface SecurityHeadersOptions {
  /** PUBLIC_URL: its WebSocket origin is allowed explicitly (older browsers do not map 'self' to ws:). */
  publicUrl?: string;
}

export function securityHeaders(options: SecurityHeadersOptions = {}): RequestHandler {
  const connect = ["'self'"];
  let https = false;
  if (options.publicUrl) {
    const url = new URL(options.publicUrl);
    https = url.protocol === 'https:';
    connect.push(`${https ? 'wss' : 'ws'}://${url.host}`);
  }
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: connect,
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'self'"],
      },
    },
    // Browsers ignore HSTS over http; only a deployment served over https announces it.
    strictTransportSecurity: https ? { maxAge: 31_536_000, includeSubDomains: false } : false,
    referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
    xFrameOptions: { action: 'sameorigin' },
  });
}
