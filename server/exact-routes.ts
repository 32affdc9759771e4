// Routes found by one lookup of their method and path, ahead of the router: the providers' webhooks, called for every
// SMS (and, through them, every turn the platform answers). Through the router, such a request was matched against
// every layer mounted before its own, then against its channel's nested router, ~2.5 % of the server's CPU per SMS
// turn (BENCHMARKS.md, 2026-12-07). A request found here runs the very handlers the router would have run — the
// app's `before` guards (size limits, security headers, rate limits), then the route's own — and its errors go on
// to the app's error handlers as before. Anything else (another method, a trailing slash, another case) goes on
// to the router, where the same route is also mounted.
import type { NextFunction, Request, RequestHandler, Response } from 'express';

export interface ExactRoute {
  method: 'POST';
  /** The path as the provider calls it, without query string: `/channels/twilio/sms`. */
  path: string;
  handlers: readonly RequestHandler[];
}

/** One middleware running `before` then the route's handlers for the requests of `routes`, `next()` for others. */
export function exactRoutes(
  routes: readonly ExactRoute[],
  before: readonly RequestHandler[],
): RequestHandler {
  const chains = new Map(routes.map((r) => [`${r.method} ${r.path}`, [...before, ...r.handlers]]));
  return (req, res, next) => {
    const query = req.url.indexOf('?');
    const chain = chains.get(`${req.method} ${query < 0 ? req.url : req.url.slice(0, query)}`);
    if (!chain) return next();
    runChain(chain, req, res, next);
  };
}

/**
 * Calls the handlers in turn, as express does: each one's `next()` calls the following, `next(error)` or a
 * thrown error or a rejected promise ends the chain with that error; past the last handler, `done()`.
 */
function runChain(chain: readonly RequestHandler[], req: Request, res: Response, done: NextFunction): void {
  let index = 0;
  const step = (error?: unknown): void => {
    if (error) return done(error);
    const handler = chain[index++];
    if (!handler) return done();
    try {
      const result: unknown = handler(req, res, step);
      if (result instanceof Promise)
        result.catch((rejection: unknown) => done(rejection ?? new Error('Rejected promise')));
    } catch (thrown) {
      done(thrown);
    }
  };
  step();
}
