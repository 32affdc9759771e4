// POST /api/messages: the activity goes through botbuilder's CloudAdapter (JWT validation included).
// The adapter writes its own error bodies (and a 401 carries the error text): we capture what it writes
// and answer with our JSON shape, so nothing internal leaks.
import express, { Router, type RequestHandler } from 'express';
import type { CloudAdapter, TurnContext } from 'botbuilder';
import { GuichetError } from '../../bot/errors';

/** Stands for the HTTP response while botbuilder runs; botbuilder only needs these four methods. */
class CapturedResponse {
  /** Unused: only a streaming connection (not offered here) would need it. */
  readonly socket: unknown = undefined;
  statusCode = 200;
  body: unknown;
  readonly headers: Record<string, string> = {};
  status(code: number): this {
    this.statusCode = code;
    return this;
  }
  header(name: string, value: unknown): this {
    this.headers[name.toLowerCase()] = String(value);
    return this;
  }
  send(...args: unknown[]): this {
    this.body = args[0];
    return this;
  }
  end(): this {
    return this;
  }
}

const requireJson: RequestHandler = (req, _res, next) => {
  if (req.is('application/json')) return next();
  next(new GuichetError('UNSUPPORTED_MEDIA_TYPE', 'Content-Type must be application/json'));
};

/** Without an adapter (no app id configured, anonymous activities not allowed) every activity gets a 403. */
export interface BotFrameworkRouterDeps {
  enabled: boolean;
  adapter?: CloudAdapter;
  logic?: (context: TurnContext) => Promise<void>;
}

export function createBotFrameworkRouter(deps: BotFrameworkRouterDeps): Router {
  const router = Router();
  router.post('/', requireJson, express.json({ limit: '512kb' }), async (req, res) => {
    if (!deps.enabled || !deps.adapter || !deps.logic) {
      throw new GuichetError(
        'FORBIDDEN',
        'The Bot Framework channel is not configured (set MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD)',
      );
    }
    if (
      typeof req.body !== 'object' ||
      req.body === null ||
      Array.isArray(req.body) ||
      typeof req.body.type !== 'string'
    ) {
      throw new GuichetError(
        'BAD_REQUEST',
        'The body must be a Bot Framework activity (an object with a "type")',
      );
    }
    const captured = new CapturedResponse();
    let authenticated = false;
    const logic = deps.logic;
    await deps.adapter.process(req, captured, (context) => {
      authenticated = true;
      return logic(context);
    });
    const status = captured.statusCode;
    // botbuilder answers 401 for most token problems but 500 for some (a bad signature throws from the JWT
    // library): a failure before our logic ran is a request that could not be authenticated.
    if (status === 401 || status === 403 || (status >= 500 && !authenticated)) {
      throw new GuichetError('UNAUTHORIZED', 'Missing or invalid Bot Framework token');
    }
    if (status === 400) throw new GuichetError('BAD_REQUEST', 'Invalid activity');
    if (status >= 500) throw new GuichetError('INTERNAL', 'The activity could not be processed');
    // Invoke activities carry a body (JSON); plain messages answer 200 with none.
    if (captured.body !== undefined && typeof captured.body === 'object')
      res.status(status).json(captured.body);
    else res.status(status).end();
  });
  return router;
}
