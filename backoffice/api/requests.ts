// /api/v1/requests: the shared store's requests, filtered and paginated; their history; status changes
// (with the citizen told on their channel, in the same transaction) and assignment.
import { randomUUID } from 'node:crypto';
import { GuichetError } from '../../bot/errors';
import type { Phrase } from '../../bot/i18n';
import type { OutboxItem } from '../../bot/ports';
import { actorOf, scopeOf, type Principal } from '../auth';
import { statusNotice, tellCitizens } from '../citizen';
import { askAboutRequest, satisfactionReply } from '../satisfaction';
import {
  AssignBody,
  IdParams,
  PublicDescriptionBody,
  RequestDetailViewSchema,
  RequestListQuery,
  RequestViewSchema,
  StatusChangeBody,
  TenantQuery,
  pageOf,
  type RequestView,
} from '../schemas';
import type { RequestAssignment, RequestContext } from '../ports';
import type { ApiDeps } from './deps';
import { requestFilterOf, withDue } from './request-filter';
import { withoutContact, withoutContacts } from './request-view';
import { route, type AnyRoute } from './route';

const notFound = (id: string) => new GuichetError('NOT_FOUND', `No request ${id}`);

/**
 * The citizen's notice, the followers' notices and the webhook event of a status change. `notice` words it
 * (default: "Votre demande … est maintenant : …"); `onlyIfChanged` leaves out the webhook event when the status
 * stays the same (an intervention's change that does not move the request).
 */
export async function statusEffects(
  deps: ApiDeps,
  ctx: RequestContext,
  status: RequestContext['request']['status'],
  note: string | undefined,
  notify: boolean,
  options: { notice?: (request: RequestView, follower: boolean) => Phrase; onlyIfChanged?: boolean } = {},
) {
  const after = { ...ctx.request, status };
  const notice =
    options.notice ?? ((request: RequestView, follower: boolean) => statusNotice(request, note, follower));
  // A request just resolved asks its citizen how satisfied they are, at the end of the same notice.
  const satisfaction = notify ? await askAboutRequest(deps.conversations, ctx, status) : undefined;
  const notices = notify
    ? await tellCitizens(
        deps.conversations,
        ctx,
        (follower) => notice(after, follower),
        satisfaction ? satisfactionReply : undefined,
      )
    : { messages: [], followerMessages: [], outbox: [] };
  const outbox: OutboxItem[] = [...notices.outbox];
  if (!options.onlyIfChanged || status !== ctx.request.status)
    outbox.push({
      kind: 'request.status_changed',
      payload: {
        tenantId: ctx.request.tenantId,
        requestId: ctx.request.id,
        reference: ctx.request.reference,
        type: ctx.request.type,
        authorityId: ctx.request.authorityId,
        from: ctx.request.status,
        to: status,
        ...(note ? { note } : {}),
      },
      dedupeKey: `request.status_changed:${ctx.request.id}:${randomUUID()}`,
    });
  return { messages: notices.messages, followerMessages: notices.followerMessages, outbox, satisfaction };
}

/**
 * What a status change writes (the single route and the bulk action): refused when nothing changes, else the
 * event, the citizen's notice in their language, the followers' notices and the webhook event.
 */
export function statusPlan(
  deps: ApiDeps,
  principal: Principal,
  change: { status: RequestContext['request']['status']; note?: string; notify: boolean; public?: boolean },
) {
  return async (ctx: RequestContext) => {
    if (ctx.request.status === change.status && !change.note) {
      throw new GuichetError(
        'CONFLICT',
        `The request ${ctx.request.reference} is already ${change.status} (add a note to record something)`,
      );
    }
    const effects = await statusEffects(deps, ctx, change.status, change.note, change.notify);
    return {
      status: change.status,
      note: change.note,
      public: change.public === true,
      actor: actorOf(principal),
      ...effects,
    };
  };
}

/**
 * What an assignment body means for one request: an absent field keeps the request's value, except that
 * moving it to another team takes it off its agent (who may not be a member there).
 */
export const assignmentFor =
  (body: { teamId?: string | null; agentId?: string | null }) =>
  (current: Pick<RequestView, 'teamId' | 'assignedAgentId'>): RequestAssignment => {
    const teamId = body.teamId === undefined ? current.teamId : body.teamId;
    const keepAgent = body.agentId === undefined && teamId === current.teamId;
    const agentId = body.agentId === undefined ? (keepAgent ? current.assignedAgentId : null) : body.agentId;
    return { teamId, agentId };
  };

export function requestRoutes(deps: ApiDeps): AnyRoute[] {
  return [
    route({
      method: 'get',
      path: '/requests',
      operationId: 'listRequests',
      summary: 'List requests (filters, newest first, cursor pagination)',
      tag: 'requests',
      minRole: 'agent',
      query: RequestListQuery,
      response: pageOf(RequestViewSchema),
      async handle({ query, principal }) {
        const { tenant, ...rest } = query;
        const scope = scopeOf(principal, tenant);
        const filter = requestFilterOf(deps, scope, rest);
        const found = await deps.store.listRequests(scope, filter);
        return { ...found, items: withoutContacts(withDue(filter.serviceLevels, found.items)) };
      },
    }),
    route({
      method: 'get',
      path: '/requests/{id}',
      operationId: 'getRequest',
      summary: 'A request with its status history and its conversation',
      description: 'The id is the request UUID or its reference (DEM-YYYY-NNNNNN).',
      tag: 'requests',
      minRole: 'agent',
      params: IdParams,
      query: TenantQuery,
      response: RequestDetailViewSchema,
      async handle({ params, query, principal }) {
        const found = await deps.store.getRequestByReference(scopeOf(principal, query.tenant), params.id);
        if (!found) throw notFound(params.id);
        return withoutContact(found);
      },
    }),
    route({
      method: 'post',
      path: '/requests/{id}/status',
      operationId: 'changeRequestStatus',
      summary: 'Change the status (with a note); the citizen is told on their channel',
      description:
        'Writes a request event, an outbox "notification" to the citizen (web chat, SMS, WhatsApp…) and to each ' +
        'citizen who follows the request (same problem reported), and an outbox ' +
        '"request.status_changed" for webhooks, in one transaction. The note is part of the citizen’s message.',
      tag: 'requests',
      minRole: 'agent',
      params: IdParams,
      query: TenantQuery,
      body: StatusChangeBody,
      response: RequestDetailViewSchema,
      async handle({ params, query, body, principal }) {
        const scope = scopeOf(principal, query.tenant);
        const before = await deps.store.getRequestByReference(scope, params.id);
        if (!before) throw notFound(params.id);
        const updated = await deps.store.changeRequestStatus(
          scope,
          before.id,
          statusPlan(deps, principal, body),
        );
        if (!updated) throw notFound(params.id);
        return withoutContact(updated);
      },
    }),
    route({
      method: 'post',
      path: '/requests/{id}/public-description',
      operationId: 'setPublicDescription',
      summary:
        'Approve a text for publication as the request’s public description (or withdraw it with null)',
      description:
        'The public Open311 read never shows what the citizen typed: only this text, written or checked by an ' +
        'agent, with any phone number, e-mail, IBAN, social-security number or name still in it masked.',
      tag: 'requests',
      minRole: 'agent',
      params: IdParams,
      query: TenantQuery,
      body: PublicDescriptionBody,
      response: RequestDetailViewSchema,
      async handle({ params, query, body, principal }) {
        const scope = scopeOf(principal, query.tenant);
        const before = await deps.store.getRequestByReference(scope, params.id);
        if (!before) throw notFound(params.id);
        const updated = await deps.store.setPublicDescription(
          scope,
          before.id,
          body.text,
          actorOf(principal),
        );
        if (!updated) throw notFound(params.id);
        return withoutContact(updated);
      },
    }),
    route({
      method: 'post',
      path: '/requests/{id}/assign',
      operationId: 'assignRequest',
      summary: 'Put the request in a team’s queue and/or on an agent; null unassigns',
      description:
        'teamId: the team’s queue (null: none); agentId: the agent (null: none). An absent field keeps its value, ' +
        'except that moving the request to another team takes it off its agent. The agent must be a member of ' +
        'the request’s team. Writes an "assignment" event in the timeline and the audit log.',
      tag: 'requests',
      minRole: 'agent',
      params: IdParams,
      query: TenantQuery,
      body: AssignBody,
      response: RequestDetailViewSchema,
      async handle({ params, query, body, principal }) {
        const scope = scopeOf(principal, query.tenant);
        const before = await deps.store.getRequestByReference(scope, params.id);
        if (!before) throw notFound(params.id);
        const updated = await deps.store.assignRequest(
          scope,
          before.id,
          assignmentFor(body)(before),
          actorOf(principal),
        );
        if (!updated) throw notFound(params.id);
        return withoutContact(updated);
      },
    }),
  ];
}
