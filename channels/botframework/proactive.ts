// Proactive messages: the back office (agent replies, request status updates) publishes on the EventBus
// topic `botframework:{tenantId}:{address}`; every instance listens to the prefix, one claims each push
// (IdempotencyStore) and sends it through the stored conversation reference.
import type { Activity, ConversationReference } from 'botbuilder';
import type { Logger } from '../../bot/logger';
import type { Reply } from '../../bot/messages';
import {
  pushToConversation,
  readConversationPush,
  type EventBus,
  type IdempotencyStore,
  type Unsubscribe,
} from '../../bot/ports';
import type { ConversationReferences } from './conversation-references';
import { repliesToActivities } from './convert';

export const BOTFRAMEWORK_TOPIC_PREFIX = 'botframework:';
const CLAIM_TTL_S = 3600;

/** Sends replies to a Bot Framework conversation from any instance (the transcript is written by the caller). */
export function publishToBotConversation(
  bus: EventBus,
  tenantId: string,
  address: string,
  reply: Reply | Reply[],
): Promise<void> {
  return pushToConversation(bus, { channel: 'botframework', tenantId, address }, reply);
}

export type ProactiveSend = (
  reference: Partial<ConversationReference>,
  activities: Partial<Activity>[],
) => Promise<void>;

export interface ProactiveDeps {
  bus: EventBus;
  references: ConversationReferences;
  idempotency: IdempotencyStore;
  send: ProactiveSend;
  logger: Logger;
}

export function startProactiveDelivery(deps: ProactiveDeps): Promise<Unsubscribe> {
  return deps.bus.subscribePrefix(BOTFRAMEWORK_TOPIC_PREFIX, async (payload, topic) => {
    const push = readConversationPush(payload);
    if (push?.kind !== 'replies') return;
    // Tenant ids are slugs (no ':'); the address (a Bot Framework conversation id) may contain ':'.
    const rest = topic.slice(BOTFRAMEWORK_TOPIC_PREFIX.length);
    const cut = rest.indexOf(':');
    if (cut <= 0) return;
    const tenantId = rest.slice(0, cut);
    const address = rest.slice(cut + 1);
    const key = `botframework:push:${push.id}`;
    const claim = await deps.idempotency.claim(key, CLAIM_TTL_S);
    if (claim.status !== 'claimed') return; // another instance sends it
    try {
      const reference = await deps.references.load(tenantId, address);
      if (!reference) {
        deps.logger.warn('bot framework: no conversation reference, proactive message dropped', { tenantId });
      } else {
        await deps.send(reference, repliesToActivities(push.replies, reference.channelId));
      }
      await deps.idempotency.complete(key, 'done', CLAIM_TTL_S);
    } catch (error) {
      await deps.idempotency.abandon(key).catch(() => undefined);
      deps.logger.error('bot framework: proactive message failed', { tenantId, error: String(error) });
    }
  });
}
