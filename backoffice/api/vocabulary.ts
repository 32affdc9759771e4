// /api/v1/vocabulary: the labels the console shows instead of ids (request types, categories, statuses,
// communes, authorities, channels, roles), for the caller's territory.
import { tenantOf } from '../auth';
import { TenantQuery } from '../schemas';
import { VocabularyViewSchema, vocabularyFor, type VocabularyView } from '../vocabulary';
import type { ApiDeps } from './deps';
import { route, type AnyRoute } from './route';

export function vocabularyRoutes(deps: ApiDeps): AnyRoute[] {
  return [
    route({
      method: 'get',
      path: '/vocabulary',
      operationId: 'getVocabulary',
      summary:
        'French labels for request types, categories, statuses, communes, authorities, channels, roles, teams and agents',
      tag: 'admin',
      minRole: 'agent',
      query: TenantQuery,
      response: VocabularyViewSchema,
      async handle({ query, principal }) {
        return tenantVocabulary(deps, tenantOf(principal, query.tenant));
      },
    }),
  ];
}

/** The tenant's labels, its teams and agents included (names only: an agent reads who holds a request). */
export async function tenantVocabulary(deps: ApiDeps, tenantId: string): Promise<VocabularyView> {
  const scope = { tenantId, authorityId: null };
  const [teams, agents] = await Promise.all([
    deps.teams?.listTeams(scope) ?? [],
    deps.agentDirectory?.listAgents(scope) ?? [],
  ]);
  // Team members include agents that hold an API token rather than a console account.
  const people = [
    ...teams.flatMap((t) => t.members.map((m) => ({ id: m.agentId, name: m.name }))),
    ...agents,
  ];
  return vocabularyFor(deps.territories.current().get(tenantId), deps.requestTypes, 'fr', {
    teams,
    agents: people,
  });
}
