// The express application: health, readiness, the channels and the back office, mounted on one app.
// It receives everything it needs already built (see container.ts), so tests can build it in-process.
import express, { type Express, type Router } from 'express';
import { withDeadline } from '../bot/deadline';
import type { Logger } from '../bot/logger';
import { exactRoutes, type ExactRoute } from './exact-routes';
import { jsonErrorHandler, notFoundHandler } from './http-errors';

export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

export interface AppParts {
  logger: Logger;
  readiness: ReadinessCheck[];
  /** Mounted in order: [path, router]. */
  routes: [string, Router][];
  /** Called for every request before routing (security headers, CORS, rate limits). */
  before?: express.RequestHandler[];
  /**
   * Found by their method and path before the router walks its layers, after the same `before` handlers
   * (exact-routes.ts); each is also mounted among `routes`, for the requests this lookup does not match.
   */
  exactRoutes?: ExactRoute[];
  isShuttingDown?: () => boolean;
  /** Error handlers mounted after the routes, before the JSON one: [path, handler] (a router cannot be one). */
  errorHandlers?: [string, express.ErrorRequestHandler][];
}

const READINESS_TIMEOUT_MS = 1500;

export function createApp(parts: AppParts): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback, linklocal, uniquelocal');
  if (parts.exactRoutes?.length) app.use(exactRoutes(parts.exactRoutes, parts.before ?? []));
  for (const handler of parts.before ?? []) app.use(handler);

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  app.get('/readyz', async (_req, res) => {
    if (parts.isShuttingDown?.()) {
      res.status(503).json({ status: 'shutting_down' });
      return;
    }
    const results = await Promise.all(
      parts.readiness.map(async ({ name, check }) => {
        try {
          await withDeadline(
            check(),
            READINESS_TIMEOUT_MS,
            () => new Error(`timed out after ${READINESS_TIMEOUT_MS} ms`),
          );
          return [name, 'ok'] as const;
        } catch (error) {
          parts.logger.warn('readiness check failed', { check: name, error: String(error) });
          return [name, 'unavailable'] as const;
        }
      }),
    );
    const checks = Object.fromEntries(results);
    const ready = results.every(([, s]) => s === 'ok');
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'unavailable', checks });
  });

  for (const [path, router] of parts.routes) app.use(path, router);
  for (const [path, handler] of parts.errorHandlers ?? []) app.use(path, handler);
  app.use(notFoundHandler);
  app.use(jsonErrorHandler(parts.logger));
  return app;
}
