// POST /api/messages: the activity goes through botbuilder's CloudAdapter (JWT validation included).
// We call the adapter's processActivity ourselves rather than its HTTP-level `process`, which prints
// every rejected token's stack trace with console.error: a refusal becomes one line of our JSON log, and
// the answer our JSON shape, so nothing internal leaks.
import express, { Router, type RequestHandler } from 'express';
import type { Activity, TurnContext } from 'botbuilder';
import { GuichetError } from '../../bot/errors';
import { silentLogger, type Logger } from '../../bot/logger';
import type { GuichetCloudAdapter } from './adapter';

const requireJson: RequestHandler = (req, _res, next) => {
  if (req.is('application/json')) return next();
  next(new GuichetError('UNSUPPORTED_MEDIA_TYPE', 'Content-Type must be application/json'));
};

/** Without an adapter (no app id configured, anonymous activities not allowed) every activity gets a 403. */
export interface BotFrameworkRouterDeps {
  enabled: boolean;
  adapter?: GuichetCloudAdapter;
  logic?: (context: TurnContext) => Promise<void>;
  logger?: Logger;
}

/** What botbuilder's own `process` does to the JSON body before processActivity: dates become Dates. */
function activityOf(body: Record<string, unknown>): Activity {
  const activity: Record<string, unknown> = { ...body };
  for (const field of ['timestamp', 'expiration', 'localTimestamp'] as const) {
    const value = activity[field];
    if (typeof value === 'string') {
      activity[`raw${field[0]!.toUpperCase()}${field.slice(1)}`] = value;
      activity[field] = new Date(value);
    }
  }
  return activity as unknown as Activity;
}

const firstLineOf = (error: unknown): string =>
  (error instanceof Error ? error.message : String(error)).split('\n')[0]!.slice(0, 300);

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
    const logger = deps.logger ?? silentLogger;
    let authenticated = false;
    const logic = deps.logic;
    const header = req.headers.authorization ?? '';
    let invokeResponse: { status: number; body?: unknown } | undefined;
    try {
      invokeResponse = await deps.adapter.processAuthenticated(header, activityOf(req.body), (context) => {
        authenticated = true;
        return logic(context);
      });
    } catch (error) {
      // A failure before our logic ran is a request that could not be authenticated (botbuilder throws an
      // AuthenticationError for most token problems, and other errors for some, e.g. a bad signature).
      if (!authenticated) {
        logger.warn('bot framework: activity refused, missing or invalid token', {
          channelId: typeof req.body.channelId === 'string' ? req.body.channelId : undefined,
          error: firstLineOf(error),
        });
        throw new GuichetError('UNAUTHORIZED', 'Missing or invalid Bot Framework token');
      }
      logger.error('bot framework: activity failed', { error: firstLineOf(error) });
      throw new GuichetError('INTERNAL', 'The activity could not be processed');
    }
    const status = invokeResponse?.status ?? 200;
    if (status === 400) throw new GuichetError('BAD_REQUEST', 'Invalid activity');
    if (status >= 500) throw new GuichetError('INTERNAL', 'The activity could not be processed');
    // Invoke activities carry a body (JSON); plain messages answer 200 with none.
    if (invokeResponse?.body !== undefined && typeof invokeResponse.body === 'object')
      res.status(status).json(invokeResponse.body);
    else res.status(status).end();
  });
  return router;
}
