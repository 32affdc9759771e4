// /api/v1/vocabulary: the labels the console shows instead of ids (request types, categories, statuses,
// communes, authorities, channels, roles), for the caller's territory.
import { tenantOf } from '../auth';
import { TenantQuery } from '../schemas';
import { VocabularyViewSchema, vocabularyFor } from '../vocabulary';
import type { ApiDeps } from './deps';
import { route, type AnyRoute } from './route';

export function vocabularyRoutes(deps: ApiDeps): AnyRoute[] {
  return [
    route({
      method: 'get',
      path: '/vocabulary',
      operationId: 'getVocabulary',
      summary:
        'French labels for request types, categories, statuses, communes, authorities, channels and roles',
      tag: 'admin',
      minRole: 'agent',
      query: TenantQuery,
      response: VocabularyViewSchema,
      handle({ query, principal }) {
        const tenantId = tenantOf(principal, query.tenant);
        return Promise.resolve(vocabularyFor(deps.territories.current().get(tenantId), deps.requestTypes));
      },
    }),
  ];
}
