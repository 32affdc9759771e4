// /api/v1/conversations: the queue and the agents' side of a conversation. An agent takes it over (the
// bot goes silent, the citizen is told), writes to the citizen on their channel, then releases it back
// to the bot (the citizen is told again). Each change is one transaction; pushes follow the commit.
import { GuichetError } from '../../bot/errors';
import { say } from '../../bot/i18n';
import type { Reply } from '../../bot/messages';
import { actorOf, hasRole, scopeOf, type Principal } from '../auth';
import { citizenLocale, deliveryTo, joinedNotice, NOTICES, type CitizenDelivery } from '../citizen';
import { publishAgentEvent } from '../events';
import { askAboutConversation, mayAskAfterAgent, satisfactionReply } from '../satisfaction';
import { reachOf, ReachSchema, type Reach } from '../reach';
import type { ConversationUpdate } from '../ports';
import {
  AgentMessageBody,
  ConversationDetailViewSchema,
  ConversationListQuery,
  ConversationViewSchema,
  IdParams,
  TakeoverBody,
  TenantQuery,
  pageOf,
  type ConversationView,
} from '../schemas';
import type { ApiDeps } from './deps';
import { withoutContacts } from './request-view';
import { route, type AnyRoute } from './route';

const notFound = (id: string) => new GuichetError('NOT_FOUND', `No conversation ${id}`);

/** 409 for a reply the channel cannot carry (the phone call has ended), saying what can be done instead. */
function cannotWrite(reach: Reach): GuichetError {
  const instead = reach.sms
    ? `send an SMS to ${reach.phoneDisplay} instead (POST /conversations/{id}/sms) / envoyez plutôt un SMS au ${reach.phoneDisplay}`
    : reach.phoneDisplay
      ? `nothing can be delivered in writing: call back ${reach.phoneDisplay} / aucun moyen de joindre cette personne par écrit : rappelez-la au ${reach.phoneDisplay}`
      : 'nothing can be delivered in writing / aucun moyen de joindre cette personne par écrit';
  return new GuichetError(
    'CONFLICT',
    `The call has ended: a written reply cannot reach the caller; ${instead}. (L’appel est terminé.)`,
  );
}

function assertOpen(current: ConversationView): void {
  if (current.status === 'closed') throw new GuichetError('CONFLICT', 'The conversation is closed');
}

/** Another agent holds it: only a supervisor (or an admin) may step in. */
function heldByAnother(current: ConversationView, principal: Principal): boolean {
  return current.owner === 'agent' && current.agentId !== null && current.agentId !== principal.agentId;
}

/** The conversation with how an agent can reach the citizen in writing (the console's reply box). */
const ConversationWithReachSchema = ConversationDetailViewSchema.extend({ reach: ReachSchema });

export function conversationRoutes(deps: ApiDeps): AnyRoute[] {
  /** SMS can go out for this tenant: Twilio configured and a number of the territory to send from. */
  const smsAvailable = (tenantId: string): boolean =>
    deps.smsConfigured === true &&
    (deps.territories.current().get(tenantId)?.channels.twilioNumbers.length ?? 0) > 0;
  const reach = (c: ConversationView) => reachOf(c, smsAvailable(c.tenantId));

  /** Runs an update that may notify the citizen; pushes and the console event follow the commit. */
  async function change(
    principal: Principal,
    tenant: string | undefined,
    id: string,
    plan: (
      current: ConversationView,
      notify: (reply: Reply, direction: 'out' | 'agent') => CitizenDelivery,
    ) => ConversationUpdate,
    after: (updated: ConversationView) => Parameters<typeof publishAgentEvent>[1] | undefined,
    committed?: (updated: ConversationView) => Promise<void>,
  ): Promise<ConversationView> {
    const scope = scopeOf(principal, tenant);
    const deliveries: CitizenDelivery[] = [];
    const updated = await deps.store.updateConversation(scope, id, (current) =>
      plan(current, (reply, direction) => {
        const delivery = deliveryTo(current, reply, {
          direction,
          agentId: direction === 'agent' ? (principal.agentId ?? actorOf(principal)) : null,
        });
        deliveries.push(delivery);
        return delivery;
      }),
    );
    if (!updated) throw notFound(id);
    for (const delivery of deliveries) {
      await delivery
        .afterCommit(deps.bus)
        .catch((error: unknown) => deps.logger.warn('push to the citizen failed', { error: String(error) }));
    }
    await committed?.(updated).catch((error: unknown) =>
      deps.logger.warn('after the conversation change', { error: String(error) }),
    );
    const event = after(updated);
    if (event)
      await publishAgentEvent(deps.bus, event).catch((error: unknown) =>
        deps.logger.warn('agent event failed', { error: String(error) }),
      );
    return updated;
  }

  const at = () => deps.clock().toISOString();

  /**
   * The agent's written message to the citizen (/messages on the conversation's channel, /sms after a call):
   * the route's own checks, then the one on who holds it; written, sent and announced to the consoles alike.
   */
  function sendAgentText(
    principal: Principal,
    tenant: string | undefined,
    id: string,
    text: string,
    check: (current: ConversationView) => void,
  ): Promise<ConversationView> {
    return change(
      principal,
      tenant,
      id,
      (current, notify) => {
        check(current);
        if (heldByAnother(current, principal) && !hasRole(principal, 'supervisor'))
          throw new GuichetError('CONFLICT', 'Another agent has taken this conversation over');
        const delivery = notify({ type: 'handover', state: 'agent_message', text }, 'agent');
        return { messages: delivery.messages, outbox: delivery.outbox };
      },
      (updated) => ({
        type: 'message',
        tenantId: updated.tenantId,
        conversationId: updated.id,
        channel: updated.channel,
        owner: updated.owner,
        direction: 'agent',
        text,
        at: at(),
      }),
    );
  }

  return [
    route({
      method: 'get',
      path: '/conversations',
      operationId: 'listConversations',
      summary: 'List conversations by state: bot, queue (waiting for an agent), agent, closed',
      tag: 'conversations',
      minRole: 'agent',
      query: ConversationListQuery,
      response: pageOf(ConversationViewSchema),
      async handle({ query, principal }) {
        const { tenant, ...filter } = query;
        return deps.store.listConversations(scopeOf(principal, tenant), filter);
      },
    }),
    route({
      method: 'get',
      path: '/conversations/{id}',
      operationId: 'getConversation',
      summary: 'A conversation with its transcript, its requests and the handover summary',
      tag: 'conversations',
      minRole: 'agent',
      params: IdParams,
      query: TenantQuery,
      response: ConversationWithReachSchema,
      async handle({ params, query, principal }) {
        const found = await deps.store.getConversation(scopeOf(principal, query.tenant), params.id);
        if (!found) throw notFound(params.id);
        return { ...found, requests: withoutContacts(found.requests), reach: reach(found) };
      },
    }),
    route({
      method: 'post',
      path: '/conversations/{id}/takeover',
      operationId: 'takeOverConversation',
      summary: 'Take the conversation over: the bot goes silent, the citizen is told an agent joined',
      description:
        'Idempotent for the agent who already holds it; 409 when another agent does (unless force, supervisors).',
      tag: 'conversations',
      minRole: 'agent',
      params: IdParams,
      query: TenantQuery,
      body: TakeoverBody,
      response: ConversationViewSchema,
      async handle({ params, query, body, principal }) {
        const locale = await citizenLocale(deps.conversations, params.id);
        let joined = false;
        return change(
          principal,
          query.tenant,
          params.id,
          (current, notify) => {
            assertOpen(current);
            if (heldByAnother(current, principal) && !(body.force && hasRole(principal, 'supervisor'))) {
              throw new GuichetError('CONFLICT', 'Another agent has taken this conversation over');
            }
            if (current.owner === 'agent' && current.agentId === principal.agentId)
              return { messages: [], outbox: [] };
            joined = true;
            // After an ended call, "an agent will answer you here" would be a false promise: no notice.
            if (!reach(current).written)
              return { owner: 'agent', agentId: principal.agentId, messages: [], outbox: [] };
            const delivery = notify(
              { type: 'handover', state: 'agent_joined', text: say(joinedNotice(principal.name), locale) },
              'out',
            );
            return {
              owner: 'agent',
              agentId: principal.agentId,
              messages: delivery.messages,
              outbox: delivery.outbox,
            };
          },
          (updated) =>
            joined
              ? {
                  type: 'conversation',
                  change: 'takeover',
                  tenantId: updated.tenantId,
                  conversationId: updated.id,
                  owner: 'agent',
                  agentId: updated.agentId,
                  channel: updated.channel,
                  at: at(),
                }
              : undefined,
        );
      },
    }),
    route({
      method: 'post',
      path: '/conversations/{id}/messages',
      operationId: 'sendAgentMessage',
      summary: 'Write to the citizen (agent → citizen) on their channel',
      description:
        'Stored with direction "agent". Web chat and Bot Framework: pushed over the EventBus; SMS/WhatsApp: an outbox ' +
        '"notification" sent by the Twilio notifier. The conversation must be taken over first.',
      tag: 'conversations',
      minRole: 'agent',
      params: IdParams,
      query: TenantQuery,
      body: AgentMessageBody,
      status: 201,
      response: ConversationViewSchema,
      async handle({ params, query, body, principal }) {
        return sendAgentText(principal, query.tenant, params.id, body.text, (current) => {
          assertOpen(current);
          if (!reach(current).written) throw cannotWrite(reach(current));
          if (current.owner !== 'agent')
            throw new GuichetError('CONFLICT', 'Take the conversation over before writing to the citizen');
        });
      },
    }),
    route({
      method: 'post',
      path: '/conversations/{id}/sms',
      operationId: 'sendSmsAfterCall',
      summary:
        'After a phone call: write to the caller by SMS (when their number is a mobile and SMS is configured)',
      description:
        'For a conversation whose channel cannot carry a written reply (the phone line). Goes through the outbox and ' +
        'the Twilio notifier like every SMS, and is recorded in the transcript. 409 with what to do instead when ' +
        'the number cannot receive an SMS (a landline) or SMS is not configured; 409 on a channel that takes ' +
        'written replies (use /messages).',
      tag: 'conversations',
      minRole: 'agent',
      params: IdParams,
      query: TenantQuery,
      body: AgentMessageBody,
      status: 201,
      response: ConversationViewSchema,
      async handle({ params, query, body, principal }) {
        return sendAgentText(principal, query.tenant, params.id, body.text, (current) => {
          const how = reach(current);
          if (how.written)
            throw new GuichetError('CONFLICT', 'This channel takes written replies: use /messages');
          if (!how.sms) throw cannotWrite(how);
        });
      },
    }),
    route({
      method: 'post',
      path: '/conversations/{id}/release',
      operationId: 'releaseConversation',
      summary: 'Give the conversation back to the bot; the citizen is told',
      tag: 'conversations',
      minRole: 'agent',
      params: IdParams,
      query: TenantQuery,
      response: ConversationViewSchema,
      async handle({ params, query, principal }) {
        const locale = await citizenLocale(deps.conversations, params.id);
        const ask = await mayAskAfterAgent(
          deps.store,
          deps.conversations,
          scopeOf(principal, query.tenant),
          params.id,
        );
        let released = false;
        return change(
          principal,
          query.tenant,
          params.id,
          (current, notify) => {
            assertOpen(current);
            if (heldByAnother(current, principal) && !hasRole(principal, 'supervisor')) {
              throw new GuichetError('CONFLICT', 'Another agent has taken this conversation over');
            }
            if (current.owner === 'bot') return { messages: [], outbox: [] };
            released = true;
            if (!reach(current).written) return { owner: 'bot', agentId: null, messages: [], outbox: [] };
            const deliveries = [
              notify({ type: 'handover', state: 'released', text: say(NOTICES.released, locale) }, 'out'),
              ...(ask ? [notify(satisfactionReply(current.channel, locale), 'out')] : []),
            ];
            return {
              owner: 'bot',
              agentId: null,
              messages: deliveries.flatMap((d) => d.messages),
              outbox: deliveries.flatMap((d) => d.outbox),
            };
          },
          (updated) =>
            released
              ? {
                  type: 'conversation',
                  change: 'release',
                  tenantId: updated.tenantId,
                  conversationId: updated.id,
                  owner: 'bot',
                  agentId: null,
                  channel: updated.channel,
                  at: at(),
                }
              : undefined,
          // The question was sent: the conversation's next message is read as its answer.
          async (updated) => {
            if (released && ask) await askAboutConversation(deps.conversations, updated, false);
          },
        );
      },
    }),
  ];
}
