// /api/v1/callbacks: the callbacks the bot promised ("Être rappelé par téléphone"), as the agents' task list:
// the number (and how it reads for people), the citizen's question, when it is due; "Rappel fait" / "Injoignable".
import { z } from 'zod';
import { GuichetError } from '../../bot/errors';
import { actorOf, scopeOf } from '../auth';
import { phoneForPeople } from '../reach';
import type { StoredCallback } from '../ports';
import { IdParams, TenantQuery } from '../schemas';
import type { ApiDeps } from './deps';
import { route, type AnyRoute } from './route';

const Timestamp = z.string().meta({ format: 'date-time', description: 'ISO 8601 instant' });
const CallbackStatusSchema = z.enum(['open', 'done', 'not_reached']);

export const CallbackViewSchema = z.object({
  id: z.string(),
  tenantId: z.string(),
  conversationId: z.string(),
  contactId: z.string(),
  /** E.164, for the tel: link. */
  phone: z.string(),
  /** "06 12 34 56 78": the number as people read it. */
  phoneDisplay: z.string(),
  question: z.string().nullable(),
  promisedBy: Timestamp,
  /** Not done and past promisedBy. */
  overdue: z.boolean(),
  status: CallbackStatusSchema,
  /** Calls tried (each "not reached" and the final "done"). */
  attempts: z.number().int(),
  note: z.string().nullable(),
  handledBy: z.string().nullable(),
  handledAt: Timestamp.nullable(),
  createdAt: Timestamp,
});

const CallbackListQuery = TenantQuery.extend({
  status: z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value === '') return undefined;
      const parts = value.split(',');
      const parsed = z.array(CallbackStatusSchema).safeParse(parts);
      if (!parsed.success) {
        ctx.addIssue({ code: 'custom', message: 'status: open, done or not_reached (comma-separated)' });
        return z.NEVER;
      }
      return parsed.data;
    })
    .meta({ description: 'open, done, not_reached (comma-separated); default: all' }),
  limit: z.coerce.number().int().min(1).max(200).default(100),
});

const OutcomeBody = z.object({ note: z.string().trim().max(1000).optional() }).strict();

export function callbackRoutes(deps: ApiDeps): AnyRoute[] {
  const view = (c: StoredCallback): z.infer<typeof CallbackViewSchema> => ({
    ...c,
    phoneDisplay: phoneForPeople(c.phone),
    promisedBy: c.promisedBy.toISOString(),
    overdue: c.status !== 'done' && c.promisedBy.getTime() < deps.clock().getTime(),
    handledAt: c.handledAt?.toISOString() ?? null,
    createdAt: c.createdAt.toISOString(),
  });
  const outcome = (status: 'done' | 'not_reached', path: string, operationId: string, summary: string) =>
    route({
      method: 'post',
      path,
      operationId,
      summary,
      description: 'Recorded in the audit log; a callback already done answers 409.',
      tag: 'callbacks',
      minRole: 'agent',
      params: IdParams,
      query: TenantQuery,
      body: OutcomeBody,
      response: CallbackViewSchema,
      async handle({ params, query, body, principal }) {
        const marked = await deps.store.markCallback(scopeOf(principal, query.tenant), params.id, {
          status,
          note: body.note || undefined,
          actor: actorOf(principal),
        });
        if (!marked) throw new GuichetError('NOT_FOUND', `No callback ${params.id}`);
        return view(marked);
      },
    });
  return [
    route({
      method: 'get',
      path: '/callbacks',
      operationId: 'listCallbacks',
      summary: 'Callbacks the bot promised: open first, the earliest due first',
      description:
        'Phone numbers and questions are personal data: each listing is recorded in the audit log.',
      tag: 'callbacks',
      minRole: 'agent',
      query: CallbackListQuery,
      response: z.object({ items: z.array(CallbackViewSchema) }),
      async handle({ query, principal }) {
        const scope = scopeOf(principal, query.tenant);
        const items = await deps.store.listCallbacks(scope, { status: query.status, limit: query.limit });
        await deps.store.audit({
          tenantId: scope.tenantId,
          actor: actorOf(principal),
          action: 'callbacks.list',
          details: { count: items.length },
        });
        return { items: items.map(view) };
      },
    }),
    outcome('done', '/callbacks/{id}/done', 'callbackDone', 'The agent called the citizen back'),
    outcome(
      'not_reached',
      '/callbacks/{id}/not-reached',
      'callbackNotReached',
      'The citizen could not be reached: one more attempt, the task stays listed',
    ),
  ];
}
