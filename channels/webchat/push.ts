// What other modules (back office, agent console, request status updates) call to reach an open widget.
import type { Reply } from '../../bot/messages';
import { conversationTopic, pushToConversation, type EventBus } from '../../bot/ports';

/**
 * Pushes replies to the web chat conversation `address` (its `wc_…` id), on whichever instance holds the
 * socket. Commit them to the transcript first: a widget that was closed or asleep reads them from history.
 */
export function publishToConversation(
  bus: EventBus,
  tenantId: string,
  address: string,
  reply: Reply | Reply[],
): Promise<void> {
  return pushToConversation(bus, { channel: 'webchat', tenantId, address }, reply);
}

/** Shows (or hides) "an agent is typing" in the widget. */
export function publishTyping(bus: EventBus, tenantId: string, address: string, on: boolean): Promise<void> {
  return bus.publish(conversationTopic('webchat', tenantId, address), { kind: 'typing', on });
}
