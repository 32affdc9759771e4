// /api/v1: bearer-token authentication, then the route table. The OpenAPI document is public.
import express, { Router } from 'express';
import helmet from 'helmet';
import { GuichetError } from '../../bot/errors';
import type { Authenticator } from '../auth';
import { adminRoutes } from './admin';
import { contactRoutes } from './contacts';
import { conversationRoutes } from './conversations';
import type { ApiDeps } from './deps';
import { eventRoutes, type EventStreams } from './events';
import { indicatorRoutes } from './indicators';
import { openApiDocument } from './openapi';
import { requestRoutes } from './requests';
import { mountRoutes, type AnyRoute } from './route';

export const API_PREFIX = '/api/v1';

export function apiRoutes(deps: ApiDeps, streams: EventStreams): AnyRoute[] {
  return [
    ...requestRoutes(deps),
    ...conversationRoutes(deps),
    ...contactRoutes(deps),
    ...indicatorRoutes(deps),
    ...adminRoutes(deps),
    ...eventRoutes(deps, streams),
  ];
}

export function createApiRouter(
  deps: ApiDeps & { auth: Authenticator; streams: EventStreams; publicUrl: string },
): Router {
  const router = Router();
  const routes = apiRoutes(deps, deps.streams);
  const document = openApiDocument(routes, `${deps.publicUrl}${API_PREFIX}`);

  // An API answers JSON only: no CSP needed for rendering, but the other helmet headers apply.
  router.use(
    helmet({ contentSecurityPolicy: { directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } } }),
  );
  router.get('/openapi.json', (_req, res) => {
    res.set('Cache-Control', 'public, max-age=300').json(document);
  });
  router.use(async (req, res, next) => {
    const principal = await deps.auth.authenticate(req.get('authorization'));
    if (!principal) {
      res.set('WWW-Authenticate', 'Bearer realm="guichet"');
      throw new GuichetError(
        'UNAUTHORIZED',
        'A valid bearer token is required (Authorization: Bearer gch_…)',
      );
    }
    res.locals.principal = principal;
    next();
  });
  router.use(express.json({ limit: '64kb' }));
  mountRoutes(router, routes);
  // Unknown /api/v1 paths answer like the rest of the app (JSON 404), after authentication.
  router.use((_req, _res) => {
    throw new GuichetError('NOT_FOUND', 'No such route');
  });
  return router;
}
