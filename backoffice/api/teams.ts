// /api/v1/teams and /api/v1/routing-rules: the services of a commune (voirie, éclairage, état civil…), who is in
// each, what each covers (authority, communes, request types), and the rules that put each new request in a
// team's queue. Administrators change them; supervisors read them (the admin screen).
import { z } from 'zod';
import { GuichetError } from '../../bot/errors';
import { actorOf, scopeOf, tenantOf } from '../auth';
import type { TeamStore } from '../ports';
import { IdParams, TenantQuery } from '../schemas';
import {
  MoveRuleBody,
  RoutingRuleBody,
  RoutingRuleViewSchema,
  TeamBody,
  TeamPatchBody,
  TeamViewSchema,
} from '../team-schemas';
import { vocabularyFor } from '../vocabulary';
import type { ApiDeps } from './deps';
import { route, type AnyRoute } from './route';

const DeletedSchema = z.object({ deleted: z.literal(true) });

export function teamRoutes(deps: ApiDeps): AnyRoute[] {
  const teams: TeamStore | undefined = deps.teams;
  if (!teams) return [];

  /** Communes, authorities and request types must be the territory's (a typo would route nothing). */
  function checkKnown(
    tenantId: string,
    what: {
      authorityId?: string | null;
      communes?: string[];
      requestTypes?: string[];
      communeId?: string | null;
    },
  ): void {
    const territory = deps.territories.current().get(tenantId);
    if (!territory) return;
    const v = vocabularyFor(territory, deps.requestTypes);
    const bad = (field: string, id: string) => new GuichetError('BAD_REQUEST', `${field}: unknown ${id}`);
    if (what.authorityId && !(what.authorityId in v.authorities)) throw bad('authorityId', what.authorityId);
    if (what.communeId && !(what.communeId in v.communes)) throw bad('communeId', what.communeId);
    for (const c of what.communes ?? []) if (!(c in v.communes)) throw bad('communes', c);
    for (const t of what.requestTypes ?? [])
      if (!(t in v.requestTypes) && !(t.includes(':') && t in v.categories)) throw bad('requestTypes', t);
  }

  const teamOf = async (tenantScope: ReturnType<typeof scopeOf>, id: string) =>
    (await teams.listTeams(tenantScope)).find((t) => t.id === id);

  return [
    route({
      method: 'get',
      path: '/teams',
      operationId: 'listTeams',
      summary: 'The teams (services) of a tenant, with their scope and members',
      tag: 'teams',
      minRole: 'supervisor',
      query: TenantQuery,
      response: z.object({ items: z.array(TeamViewSchema) }),
      async handle({ query, principal }) {
        return { items: await teams.listTeams(scopeOf(principal, query.tenant)) };
      },
    }),
    route({
      method: 'post',
      path: '/teams',
      operationId: 'createTeam',
      summary: 'Create a team: name, optional authority, scope (communes, request types) and members',
      tag: 'teams',
      minRole: 'admin',
      body: TeamBody,
      status: 201,
      response: TeamViewSchema,
      async handle({ body, principal }) {
        const { tenantId: wanted, ...team } = body;
        const tenantId = tenantOf(principal, wanted);
        if (!(await deps.store.tenantExists(tenantId)))
          throw new GuichetError('NOT_FOUND', `Unknown tenant ${tenantId}`);
        checkKnown(tenantId, team);
        return teams.createTeam({ tenantId, ...team }, actorOf(principal));
      },
    }),
    route({
      method: 'post',
      path: '/teams/{id}',
      operationId: 'updateTeam',
      summary: 'Rename a team, change its scope or replace its members (absent fields are kept)',
      tag: 'teams',
      minRole: 'admin',
      params: IdParams,
      query: TenantQuery,
      body: TeamPatchBody,
      response: TeamViewSchema,
      async handle({ params, query, body, principal }) {
        const scope = scopeOf(principal, query.tenant);
        const current = await teamOf(scope, params.id);
        if (!current) throw new GuichetError('NOT_FOUND', `No team ${params.id}`);
        checkKnown(current.tenantId, body);
        const updated = await teams.updateTeam(scope, params.id, body, actorOf(principal));
        if (!updated) throw new GuichetError('NOT_FOUND', `No team ${params.id}`);
        return updated;
      },
    }),
    route({
      method: 'delete',
      path: '/teams/{id}',
      operationId: 'deleteTeam',
      summary: 'Delete a team: its requests leave its queue (unrouted), its routing rules are removed',
      tag: 'teams',
      minRole: 'admin',
      params: IdParams,
      query: TenantQuery,
      response: DeletedSchema,
      async handle({ params, query, principal }) {
        const deleted = await teams.deleteTeam(
          scopeOf(principal, query.tenant),
          params.id,
          actorOf(principal),
        );
        if (!deleted) throw new GuichetError('NOT_FOUND', `No team ${params.id}`);
        return { deleted: true as const };
      },
    }),
    route({
      method: 'get',
      path: '/routing-rules',
      operationId: 'listRoutingRules',
      summary: 'The routing rules of a tenant, in order',
      description:
        'A new request goes to the team of the most specific matching rule (type, category and commune named ' +
        'beat type and one of them, which beat type alone); between rules as specific, the first in this order.',
      tag: 'teams',
      minRole: 'supervisor',
      query: TenantQuery,
      response: z.object({ items: z.array(RoutingRuleViewSchema) }),
      async handle({ query, principal }) {
        return { items: await teams.listRoutingRules(scopeOf(principal, query.tenant)) };
      },
    }),
    route({
      method: 'post',
      path: '/routing-rules',
      operationId: 'createRoutingRule',
      summary: 'Add a routing rule (request type, optional category and commune → team), last in the order',
      tag: 'teams',
      minRole: 'admin',
      body: RoutingRuleBody,
      status: 201,
      response: RoutingRuleViewSchema,
      async handle({ body, principal }) {
        const { tenantId: wanted, ...rule } = body;
        const tenantId = tenantOf(principal, wanted);
        checkKnown(tenantId, {
          requestTypes: [rule.category ? `${rule.requestType}:${rule.category}` : rule.requestType],
          communeId: rule.communeId,
        });
        return teams.createRoutingRule({ tenantId, ...rule }, actorOf(principal));
      },
    }),
    route({
      method: 'post',
      path: '/routing-rules/{id}/move',
      operationId: 'moveRoutingRule',
      summary: 'Move a routing rule up (by -1) or down (by 1); returns the rules in their new order',
      tag: 'teams',
      minRole: 'admin',
      params: IdParams,
      query: TenantQuery,
      body: MoveRuleBody,
      response: z.object({ items: z.array(RoutingRuleViewSchema) }),
      async handle({ params, query, body, principal }) {
        const items = await teams.moveRoutingRule(
          scopeOf(principal, query.tenant),
          params.id,
          body.by,
          actorOf(principal),
        );
        if (!items) throw new GuichetError('NOT_FOUND', `No routing rule ${params.id}`);
        return { items };
      },
    }),
    route({
      method: 'delete',
      path: '/routing-rules/{id}',
      operationId: 'deleteRoutingRule',
      summary: 'Remove a routing rule (requests already routed stay in their queue)',
      tag: 'teams',
      minRole: 'admin',
      params: IdParams,
      query: TenantQuery,
      response: DeletedSchema,
      async handle({ params, query, principal }) {
        const deleted = await teams.deleteRoutingRule(
          scopeOf(principal, query.tenant),
          params.id,
          actorOf(principal),
        );
        if (!deleted) throw new GuichetError('NOT_FOUND', `No routing rule ${params.id}`);
        return { deleted: true as const };
      },
    }),
  ];
}
