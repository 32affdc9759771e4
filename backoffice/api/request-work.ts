// Working one request from its page: its single timeline (status changes, assignments, internal notes, replies,
// the citizen's messages, the notices sent to them with their delivery), internal notes, replies to the citizen
// (free text or a saved reply with its placeholders filled), the citizen's contact revealed on demand (audited),
// and the tenant's saved replies.
import { z } from 'zod';
import { GuichetError } from '../../bot/errors';
import { actorOf, requireRole, scopeOf, tenantOf } from '../auth';
import { deliveryTo, toContactLeft } from '../citizen';
import type { NewMessage, RequestContext } from '../ports';
import { IdParams, RequestDetailViewSchema, TenantQuery, type RequestDetailView } from '../schemas';
import { dayForPeople } from '../interventions';
import type { VocabularyView } from '../vocabulary';
import { withoutContact } from './request-view';
import type { ApiDeps } from './deps';
import { route, type AnyRoute } from './route';
import { tenantVocabulary } from './vocabulary';

const notFound = (id: string) => new GuichetError('NOT_FOUND', `No request ${id}`);
const Text = z.string().trim().min(1).max(2000);

export const TimelineItemSchema = z.object({
  at: z.string(),
  kind: z.enum([
    'status',
    'note',
    'assignment',
    'reply',
    'transfer',
    'intervention',
    'message',
    'notification',
  ]),
  /** For people: "Changement de statut", "Note interne", "Message du demandeur"… */
  label: z.string(),
  actor: z.string().nullable(),
  text: z.string().nullable(),
  public: z.boolean(),
  /** Notices and replies: where the delivery stands. */
  delivery: z
    .object({
      status: z.enum(['pending', 'delivered', 'failed']),
      label: z.string(),
      error: z.string().nullable(),
    })
    .nullable(),
});
export type TimelineItem = z.infer<typeof TimelineItemSchema>;

const SavedReplyViewSchema = z.object({
  id: z.string(),
  title: z.string(),
  body: z.string(),
  updatedAt: z.string(),
});
const SavedReplyBody = z.strictObject({ title: z.string().trim().min(1).max(120), body: Text });
const ReplyBody = z
  .strictObject({ text: Text.optional(), savedReplyId: z.string().max(64).optional() })
  .refine((b) => (b.text === undefined) !== (b.savedReplyId === undefined), {
    message: 'give either text or savedReplyId',
  });
const ContactRevealSchema = z.object({
  displayName: z.string().nullable(),
  phone: z.string().nullable(),
  email: z.string().nullable(),
  /** Where the conversation reaches them (phone number, or the channel's name for a web chat). */
  reachedOn: z.string().nullable(),
});

const DELIVERY_LABELS = {
  pending: 'En attente d’envoi',
  delivered: 'Remis',
  failed: 'Échec de l’envoi',
} as const;

/** {reference}, {statut}, {commune}, {service} in a saved reply, filled for this request. */
export function fillPlaceholders(body: string, request: RequestDetailView, labels: VocabularyView): string {
  const values: Record<string, string> = {
    reference: request.reference,
    statut: labels.statuses[request.status] ?? request.status,
    commune: (request.communeId && labels.communes[request.communeId]) || '',
    service: labels.authorities[request.authorityId] ?? '',
  };
  return body.replace(/\{(reference|statut|commune|service)\}/g, (_m, key: string) => values[key] ?? '');
}

export function requestWorkRoutes(deps: ApiDeps): AnyRoute[] {
  const labelsFor = (tenantId: string) => tenantVocabulary(deps, tenantId);

  async function found(principal: Parameters<typeof scopeOf>[0], tenant: string | undefined, id: string) {
    const request = await deps.store.getRequestByReference(scopeOf(principal, tenant), id);
    if (!request) throw notFound(id);
    return request;
  }

  return [
    route({
      method: 'get',
      path: '/requests/{id}/timeline',
      operationId: 'getRequestTimeline',
      summary: 'Everything that happened to a request, oldest first, with the delivery of each notice',
      tag: 'requests',
      minRole: 'agent',
      params: IdParams,
      query: TenantQuery,
      response: z.object({ items: z.array(TimelineItemSchema) }),
      async handle({ params, query, principal }) {
        const request = await found(principal, query.tenant, params.id);
        const labels = await labelsFor(request.tenantId);
        const items: TimelineItem[] = request.events.map((e) => ({
          at: e.createdAt,
          kind: e.kind,
          label:
            e.kind === 'intervention'
              ? interventionLabel(e.details, labels)
              : (labels.eventKinds[e.kind] ?? e.kind),
          actor: e.actor,
          text:
            e.kind === 'status'
              ? `${labels.statuses[e.status] ?? e.status}${e.note ? ` — ${e.note}` : ''}`
              : e.kind === 'assignment'
                ? assignmentText(e.details, labels)
                : e.kind === 'intervention'
                  ? interventionText(e.details, labels)
                  : e.kind === 'transfer'
                    ? transferText(e.details, e.note, labels)
                    : e.note,
          public: e.public,
          delivery: null,
        }));
        // One entry per thing that happened: a reply shows its own delivery, and the transcript lines and
        // notices that repeat a reply or a status notice are not listed twice.
        const notices = await deps.notifications.forRequest(request.tenantId, request.id);
        const sentTexts = new Set(notices.map((n) => n.text));
        for (const n of notices) {
          const delivery = {
            status: n.status,
            // The relay keeps retrying an SMS while Twilio is not configured: say so in French.
            label:
              n.status === 'pending' && /not configured/i.test(n.lastError ?? '')
                ? 'Non envoyé : l’envoi de SMS n’est pas configuré'
                : DELIVERY_LABELS[n.status],
            error: n.status === 'failed' ? n.lastError : null,
          };
          const reply = items.find((i) => i.kind === 'reply' && i.text === n.text && !i.delivery);
          if (reply) {
            reply.delivery = delivery;
            continue;
          }
          items.push({
            at: n.createdAt,
            kind: 'notification',
            label: `Message envoyé au demandeur${n.channel ? ` (${labels.channels[n.channel] ?? n.channel})` : ''}`,
            actor: null,
            text: n.text,
            public: false,
            delivery,
          });
        }
        if (request.conversationId) {
          const conversation = await deps.store.getConversation(
            scopeOf(principal, query.tenant),
            request.conversationId,
          );
          for (const m of conversation?.messages ?? []) {
            if (m.direction !== 'in' && sentTexts.has(m.text)) continue;
            items.push({
              at: m.createdAt,
              kind: 'message',
              label:
                m.direction === 'in'
                  ? 'Message du demandeur'
                  : m.direction === 'agent'
                    ? 'Message d’un agent'
                    : 'Réponse de l’assistant',
              actor: null,
              text: m.text,
              public: false,
              delivery: null,
            });
          }
        }
        items.sort((a, b) => a.at.localeCompare(b.at));
        return { items };
      },
    }),
    route({
      method: 'post',
      path: '/requests/{id}/notes',
      operationId: 'addRequestNote',
      summary: 'An internal note: kept in the request’s timeline, never sent to the citizen nor published',
      tag: 'requests',
      minRole: 'agent',
      params: IdParams,
      query: TenantQuery,
      body: z.strictObject({ text: Text }),
      status: 201,
      response: RequestDetailViewSchema,
      async handle({ params, query, body, principal }) {
        const scope = scopeOf(principal, query.tenant);
        const before = await found(principal, query.tenant, params.id);
        const updated = await deps.store.changeRequestStatus(scope, before.id, (ctx) => ({
          status: ctx.request.status,
          kind: 'note',
          note: body.text,
          actor: actorOf(principal),
          messages: [],
          outbox: [],
        }));
        if (!updated) throw notFound(params.id);
        return withoutContact(updated);
      },
    }),
    route({
      method: 'post',
      path: '/requests/{id}/replies',
      operationId: 'replyToRequester',
      summary:
        'Send the citizen a message about their request, on their own channel (free text or a saved reply)',
      description:
        'Written to the request’s timeline and the conversation’s transcript, and sent through the outbox in the same ' +
        'transaction (its delivery shows in the timeline). A citizen who said STOP gets nothing by SMS/WhatsApp: ' +
        'the answer says so. Without a conversation, a phone number left in the request gets an SMS.',
      tag: 'requests',
      minRole: 'agent',
      params: IdParams,
      query: TenantQuery,
      body: ReplyBody,
      status: 201,
      response: RequestDetailViewSchema.extend({ sent: z.boolean(), why: z.string().nullable() }),
      async handle({ params, query, body, principal }) {
        const scope = scopeOf(principal, query.tenant);
        const before = await found(principal, query.tenant, params.id);
        const labels = await labelsFor(before.tenantId);
        let text = body.text;
        if (body.savedReplyId !== undefined) {
          const saved = await deps.savedReplies.get(before.tenantId, body.savedReplyId);
          if (!saved)
            throw new GuichetError('BAD_REQUEST', `savedReplyId: no saved reply ${body.savedReplyId}`);
          text = fillPlaceholders(saved.body, before, labels);
        }
        const message = text ?? '';
        let sent = false;
        let why: string | null = null;
        const updated = await deps.store.changeRequestStatus(scope, before.id, (ctx: RequestContext) => {
          let messages: NewMessage[] = [];
          let outbox: ReturnType<typeof deliveryTo>['outbox'] = [];
          if (ctx.conversation) {
            const delivery = deliveryTo(
              ctx.conversation,
              { type: 'text', text: message },
              {
                direction: 'agent',
                agentId: principal.agentId ?? null,
                optedOut: ctx.contactOptedOut,
                viaOutbox: true,
              },
            );
            messages = delivery.messages;
            outbox = delivery.outbox.map((o) => ({
              ...o,
              payload: { ...o.payload, requestId: ctx.request.id },
            }));
          }
          const left = toContactLeft(ctx, message);
          if (left) outbox.push(left);
          sent = outbox.length > 0;
          why = sent
            ? null
            : ctx.contactOptedOut
              ? 'La personne a demandé à ne plus recevoir de messages (STOP).'
              : 'Aucun moyen de joindre la personne par écrit.';
          return {
            status: ctx.request.status,
            kind: 'reply',
            note: message,
            details: { sent, ...(body.savedReplyId ? { savedReplyId: body.savedReplyId } : {}) },
            actor: actorOf(principal),
            messages,
            outbox,
          };
        });
        if (!updated) throw notFound(params.id);
        return { ...withoutContact(updated), sent, why };
      },
    }),
    route({
      method: 'get',
      path: '/requests/{id}/contact',
      operationId: 'revealRequestContact',
      summary: 'The citizen’s contact details, shown on demand; each look is in the audit log',
      tag: 'requests',
      minRole: 'agent',
      params: IdParams,
      query: TenantQuery,
      response: ContactRevealSchema,
      async handle({ params, query, principal }) {
        const request = await found(principal, query.tenant, params.id);
        const scope = scopeOf(principal, query.tenant);
        const contact = request.contactId ? await deps.store.getContact(scope, request.contactId) : null;
        const left = (request.payload.contact ?? null) as { kind?: unknown; value?: unknown } | null;
        const identityPhone = contact?.identities.find((i) => /^\+?\d{6,}$/.test(i.address))?.address ?? null;
        await deps.store.audit({
          tenantId: request.tenantId,
          actor: actorOf(principal),
          action: 'contact.view',
          targetType: 'request',
          targetId: request.id,
          details: { reference: request.reference },
        });
        const labels = await labelsFor(request.tenantId);
        return {
          displayName: contact?.displayName ?? null,
          phone: left?.kind === 'phone' && typeof left.value === 'string' ? left.value : identityPhone,
          email: left?.kind === 'email' && typeof left.value === 'string' ? left.value : null,
          reachedOn: request.conversation
            ? (labels.channels[request.conversation.channel] ?? request.conversation.channel)
            : null,
        };
      },
    }),
    route({
      method: 'get',
      path: '/saved-replies',
      operationId: 'listSavedReplies',
      summary: 'The tenant’s saved replies (placeholders: {reference}, {statut}, {commune}, {service})',
      tag: 'requests',
      minRole: 'agent',
      query: TenantQuery,
      response: z.object({ items: z.array(SavedReplyViewSchema) }),
      async handle({ query, principal }) {
        return { items: await deps.savedReplies.list(tenantOf(principal, query.tenant)) };
      },
    }),
    route({
      method: 'post',
      path: '/saved-replies',
      operationId: 'createSavedReply',
      summary: 'Add a saved reply (supervisors)',
      tag: 'requests',
      minRole: 'supervisor',
      query: TenantQuery,
      body: SavedReplyBody,
      status: 201,
      response: SavedReplyViewSchema,
      async handle({ query, body, principal }) {
        return deps.savedReplies.create(tenantOf(principal, query.tenant), body, actorOf(principal));
      },
    }),
    route({
      method: 'post',
      path: '/saved-replies/{id}',
      operationId: 'updateSavedReply',
      summary: 'Change a saved reply (supervisors)',
      tag: 'requests',
      minRole: 'supervisor',
      params: IdParams,
      query: TenantQuery,
      body: SavedReplyBody,
      response: SavedReplyViewSchema,
      async handle({ params, query, body, principal }) {
        const updated = await deps.savedReplies.update(
          tenantOf(principal, query.tenant),
          params.id,
          body,
          actorOf(principal),
        );
        if (!updated) throw new GuichetError('NOT_FOUND', `No saved reply ${params.id}`);
        return updated;
      },
    }),
    route({
      method: 'delete',
      path: '/saved-replies/{id}',
      operationId: 'deleteSavedReply',
      summary: 'Remove a saved reply (supervisors)',
      tag: 'requests',
      minRole: 'supervisor',
      params: IdParams,
      query: TenantQuery,
      response: z.object({ ok: z.literal(true) }),
      async handle({ params, query, principal }) {
        requireRole(principal, 'supervisor');
        const removed = await deps.savedReplies.remove(
          tenantOf(principal, query.tenant),
          params.id,
          actorOf(principal),
        );
        if (!removed) throw new GuichetError('NOT_FOUND', `No saved reply ${params.id}`);
        return { ok: true as const };
      },
    }),
  ];
}

function assignmentText(details: Record<string, unknown> | null, labels: VocabularyView): string {
  const teamId = typeof details?.teamId === 'string' ? details.teamId : null;
  const agentId = typeof details?.agentId === 'string' ? details.agentId : null;
  const team = teamId
    ? ((labels as { teams?: Record<string, string> }).teams?.[teamId] ?? 'une équipe')
    : null;
  const agent = agentId
    ? ((labels as { agents?: Record<string, string> }).agents?.[agentId] ?? 'un agent')
    : null;
  if (!team && !agent) return 'Désattribuée';
  return `Attribuée à ${[team, agent].filter(Boolean).join(' — ')}`;
}

const detail = (details: Record<string, unknown> | null, key: string): string | null => {
  const value = details?.[key];
  return typeof value === 'string' && value !== '' ? value : null;
};

/** "Intervention prévue", "Intervention terminée"… */
function interventionLabel(details: Record<string, unknown> | null, labels: VocabularyView): string {
  const status = detail(details, 'status');
  const word = status ? labels.interventionStatuses[status] : undefined;
  return word ? `Intervention ${word.toLowerCase()}` : labels.eventKinds.intervention || 'Intervention';
}

/** What was planned, by whom, when; the reason or the comment; the request's new status when it moved. */
function interventionText(details: Record<string, unknown> | null, labels: VocabularyView): string {
  const teamId = detail(details, 'teamId');
  const plannedFor = detail(details, 'plannedFor');
  const priority = detail(details, 'priority');
  const reason = detail(details, 'reason');
  const comment = detail(details, 'comment');
  const moved = details?.requestStatus as { to?: unknown } | undefined;
  const parts = [
    detail(details, 'what') ?? '',
    teamId ? `Équipe : ${labels.teams[teamId] ?? 'une équipe'}` : null,
    plannedFor ? `prévue le ${dayForPeople(plannedFor)}` : null,
    details?.from === null && priority && priority !== 'normal'
      ? `priorité ${(labels.priorities[priority] ?? '').toLowerCase()}`
      : null,
    reason ? `Motif : ${reason}` : null,
    comment ? `Commentaire : ${comment}` : null,
    typeof moved?.to === 'string' ? `Demande : ${labels.statuses[moved.to] ?? ''}` : null,
  ];
  return parts.filter(Boolean).join(' · ');
}

/** "Transférée à Syndicat des eaux de la Loue — fuite sur le réseau d'eau potable". */
function transferText(
  details: Record<string, unknown> | null,
  reason: string | null,
  labels: VocabularyView,
): string {
  const to = typeof details?.to === 'string' ? details.to : null;
  const name = (to && labels.authorities[to]) || 'une autre structure';
  return `Transférée à ${name}${reason ? ` — ${reason}` : ''}`;
}
