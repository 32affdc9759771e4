// Port: a publish/subscribe bus between instances. A channel socket (web chat) or a proactive sender
// (Bot Framework) held by one instance receives what another instance publishes: agent messages, status
// updates, replies that arrive later. Delivery is at-most-once and only to current subscribers; the
// transcript in the shared store stays the source of truth (a reconnecting client reads its history).
// Embedded default: memory (single process); production: Redis pub/sub.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { ReplySchema, type Channel, type Reply } from '../messages';
import type { JsonValue } from './conversation-state-store';

/** Receives each payload with the topic it was published on. */
export type EventHandler = (payload: JsonValue, topic: string) => void | Promise<void>;
export type Unsubscribe = () => Promise<void>;

export interface EventBus {
  /** Sends a JSON payload to every current subscriber of `topic`, on any instance. */
  publish(topic: string, payload: JsonValue): Promise<void>;
  /** Resolves once the subscription is active (a publish after that is received). */
  subscribe(topic: string, handler: EventHandler): Promise<Unsubscribe>;
  /**
   * Every topic starting with `prefix` (e.g. 'botframework:'), for a worker that serves all conversations
   * of a channel. Each instance that subscribes receives each payload: deduplicate when only one may act.
   */
  subscribePrefix(prefix: string, handler: EventHandler): Promise<Unsubscribe>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** One topic per conversation and channel: `webchat:{tenantId}:{address}`, `botframework:{tenantId}:{address}`. */
export const conversationTopic = (channel: Channel, tenantId: string, address: string): string =>
  `${channel}:${tenantId}:${address}`;

/** What is published on a conversation topic. */
export const ConversationPushSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('replies'),
    /** Unique per push, so a client can drop a duplicate. */
    id: z.string().min(1).max(64),
    replies: z.array(ReplySchema).min(1).max(20),
  }),
  /** An agent is typing (or stopped): channels that can show it do. */
  z.object({ kind: z.literal('typing'), on: z.boolean() }),
]);
export type ConversationPush = z.infer<typeof ConversationPushSchema>;

export interface ConversationAddress {
  channel: Channel;
  tenantId: string;
  address: string;
}

/**
 * Pushes replies to a conversation on whichever instance holds it (the back office uses this for agent
 * messages and status updates). Write them to the transcript first: a client that was offline reads them there.
 */
export async function pushToConversation(
  bus: EventBus,
  to: ConversationAddress,
  replies: Reply | Reply[],
): Promise<void> {
  const list = Array.isArray(replies) ? replies : [replies];
  const push: ConversationPush = ConversationPushSchema.parse({
    kind: 'replies',
    id: randomUUID(),
    replies: list,
  });
  await bus.publish(conversationTopic(to.channel, to.tenantId, to.address), push as unknown as JsonValue);
}

/** Parses a payload received on a conversation topic; undefined when it is not one we understand. */
export function readConversationPush(payload: JsonValue): ConversationPush | undefined {
  const parsed = ConversationPushSchema.safeParse(payload);
  return parsed.success ? parsed.data : undefined;
}
