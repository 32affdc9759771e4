// /api/v1: a bearer token (machines) or the console's session cookie with its CSRF token (people), then
// the route table. The OpenAPI document is public.
import { deskRoutes } from './desk';
import express, { Router } from 'express';
import helmet from 'helmet';
import { GuichetError } from '../../bot/errors';
import type { Authenticator } from '../auth';
import { authenticateRequest } from '../auth/sessions';
import { agentRoutes } from './agents';
import { callbackRoutes } from './callbacks';
import { sessionRoutes } from './auth-session';
import { adminRoutes } from './admin';
import { contactRoutes } from './contacts';
import { conversationRoutes } from './conversations';
import type { ApiDeps } from './deps';
import { eventRoutes, type EventStreams } from './events';
import { indicatorRoutes } from './indicators';
import { interventionPhotoRoutes } from './intervention-photos';
import { requestPhotoRoutes } from './request-photos';
import { interventionRoutes } from './interventions';
import { knowledgeGapRoutes } from './knowledge-gaps';
import { openApiDocument } from './openapi';
import { queueRoutes } from './queue';
import { requestRoutes } from './requests';
import { requestWorkRoutes } from './request-work';
import { mountRoutes, type AnyRoute } from './route';
import { teamRoutes } from './teams';
import { transferRoutes } from './transfers';
import { vocabularyRoutes } from './vocabulary';
import { voiceMessageRoutes } from './voice-messages';

export const API_PREFIX = '/api/v1';

export function apiRoutes(deps: ApiDeps, streams: EventStreams): AnyRoute[] {
  return [
    ...queueRoutes(deps), // before requestRoutes: /requests/export.csv is not a /requests/{id}
    ...requestRoutes(deps),
    ...requestWorkRoutes(deps),
    ...interventionRoutes(deps),
    ...interventionPhotoRoutes(deps),
    ...requestPhotoRoutes(deps),
    ...transferRoutes(deps),
    ...conversationRoutes(deps),
    ...voiceMessageRoutes(deps),
    ...contactRoutes(deps),
    ...indicatorRoutes(deps),
    ...adminRoutes(deps),
    ...eventRoutes(deps, streams),
    ...sessionRoutes(deps),
    ...agentRoutes(deps),
    ...vocabularyRoutes(deps),
    ...teamRoutes(deps),
    ...callbackRoutes(deps),
    ...deskRoutes(deps),
    ...knowledgeGapRoutes(deps),
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
    const caller = await authenticateRequest(req, deps.auth, deps.sessions);
    if (!caller) {
      res.set('WWW-Authenticate', 'Bearer realm="guichet"');
      throw new GuichetError(
        'UNAUTHORIZED',
        'A valid bearer token (Authorization: Bearer gch_…) or console session is required',
      );
    }
    res.locals.principal = caller.principal;
    res.locals.csrfToken = caller.csrfToken;
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
