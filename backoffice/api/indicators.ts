// /api/v1/indicators: territorial indicators for supervisors (the same definitions as the BI views).
import { GuichetError } from '../../bot/errors';
import { tenantOf } from '../auth';
import { IndicatorsQuery, IndicatorsViewSchema } from '../schemas';
import type { ApiDeps } from './deps';
import { route, type AnyRoute } from './route';

const DAY_MS = 24 * 3600 * 1000;
const DEFAULT_DAYS = 90;

export function indicatorRoutes(deps: ApiDeps): AnyRoute[] {
  return [
    route({
      method: 'get',
      path: '/indicators',
      operationId: 'getIndicators',
      summary:
        'Requests per type, channel, commune and ISO week; median response and resolution times; bot rates',
      description:
        'Containment: conversations never handed to an agent. Handover: handed to the queue. NLU fallback rate: ' +
        'bot turns where the NLU was unsure, over all bot turns. First response: until the request left "received".',
      tag: 'indicators',
      minRole: 'supervisor',
      query: IndicatorsQuery,
      response: IndicatorsViewSchema,
      async handle({ query, principal }) {
        const tenantId = tenantOf(principal, query.tenant);
        // An authority-scoped token sees its own authority's figures only.
        if (principal.authorityId && query.authority && query.authority !== principal.authorityId) {
          throw new GuichetError('NOT_FOUND', `Unknown authority ${query.authority}`);
        }
        const to = query.to ?? deps.clock();
        const from = query.from ?? new Date(to.getTime() - DEFAULT_DAYS * DAY_MS);
        if (from >= to) throw new GuichetError('BAD_REQUEST', 'query.from: must be before to');
        const timeZone = deps.territories.current().get(tenantId)?.timeZone ?? 'Europe/Paris';
        return deps.store.indicators({
          tenantId,
          authorityId: principal.authorityId ?? query.authority ?? null,
          from,
          to,
          timeZone,
        });
      },
    }),
  ];
}
