// /api/v1/knowledge-gaps: the questions the bot could not answer, grouped by similarity and counted, for the
// supervisors who complete the territory's knowledge base; "traité" marks a group handled. The questions were
// redacted when stored (phones, e-mails, names, addresses) and are tied to no conversation.
import { z } from 'zod';
import { actorOf, tenantOf } from '../auth';
import { groupGaps } from '../knowledge-gaps/grouping';
import type { KnowledgeGapStore } from '../knowledge-gaps/ports';
import { TenantQuery } from '../schemas';
import type { ApiDeps } from './deps';
import { route, type AnyRoute } from './route';

const DAY_MS = 24 * 3600 * 1000;
/** The questions read at most per listing: enough for months of a territory, bounded for the grouping. */
const MAX_GAPS = 2000;

const Timestamp = z.string().meta({ format: 'date-time', description: 'ISO 8601 instant' });

export const KnowledgeGapGroupSchema = z.object({
  question: z.string().meta({ description: 'The newest question of the group (redacted)' }),
  count: z.number().int(),
  firstSeen: Timestamp,
  lastSeen: Timestamp,
  channels: z.array(z.string()),
  examples: z.array(z.string()),
  ids: z.array(z.string()),
});

const ListQuery = TenantQuery.extend({
  days: z.coerce.number().int().min(1).max(366).default(90),
});

const HandledBody = TenantQuery.extend({
  ids: z.array(z.uuid()).min(1).max(MAX_GAPS),
});

export function knowledgeGapRoutes(deps: ApiDeps & { knowledgeGaps?: KnowledgeGapStore }): AnyRoute[] {
  const gaps = deps.knowledgeGaps;
  if (!gaps) return [];
  return [
    route({
      method: 'get',
      path: '/knowledge-gaps',
      operationId: 'listKnowledgeGaps',
      summary: 'Questions the bot could not answer, grouped by similarity, largest groups first',
      description:
        'Not yet handled, over the last `days` (default 90). Questions are stored without phones, e-mails, ' +
        'names or addresses, and without any link to the conversation they came from.',
      tag: 'knowledge',
      minRole: 'supervisor',
      query: ListQuery,
      response: z.object({
        groups: z.array(KnowledgeGapGroupSchema),
        questions: z.number().int(),
        truncated: z.boolean(),
      }),
      async handle({ query, principal }) {
        const tenantId = tenantOf(principal, query.tenant);
        const since = new Date(deps.clock().getTime() - query.days * DAY_MS);
        const open = await gaps.listOpen(tenantId, since, MAX_GAPS);
        return { groups: groupGaps(open), questions: open.length, truncated: open.length === MAX_GAPS };
      },
    }),
    route({
      method: 'post',
      path: '/knowledge-gaps/handled',
      operationId: 'markKnowledgeGapsHandled',
      summary: 'Marks questions handled (the knowledge base now answers them, or they need no answer)',
      tag: 'knowledge',
      minRole: 'supervisor',
      body: HandledBody,
      response: z.object({ handled: z.number().int() }),
      async handle({ body, principal }) {
        const tenantId = tenantOf(principal, body.tenant);
        const handled = await gaps.markHandled(tenantId, body.ids, actorOf(principal));
        await deps.store.audit({
          tenantId,
          actor: actorOf(principal),
          action: 'knowledge_gaps.handled',
          details: { count: handled },
        });
        return { handled };
      },
    }),
  ];
}
