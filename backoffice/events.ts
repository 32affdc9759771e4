// Live events for the agents' consoles: one EventBus topic per tenant, `agents:{tenantId}`, fed by the
// engine (citizen messages in a conversation an agent owns or waits for), the outbox relay (new
// handovers) and the API (takeover, release, agent messages). Redis pub/sub carries them across
// instances; /api/v1/events streams them to the console as Server-Sent Events.
import { z } from 'zod';
import type { AgentInbox } from '../bot/engine';
import type { Logger } from '../bot/logger';
import type { IncomingMessage } from '../bot/messages';
import type { ConversationRecord, EventBus, JsonValue } from '../bot/ports';

export const agentsTopic = (tenantId: string): string => `agents:${tenantId}`;

const Base = {
  tenantId: z.string(),
  conversationId: z.string(),
  at: z.string(),
};

export const AgentEventSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('message'),
    ...Base,
    channel: z.string(),
    owner: z.enum(['bot', 'queue', 'agent']),
    direction: z.enum(['in', 'out', 'agent']),
    text: z.string(),
  }),
  z.object({
    type: z.literal('conversation'),
    ...Base,
    change: z.enum(['handover', 'takeover', 'release']),
    owner: z.enum(['bot', 'queue', 'agent']),
    agentId: z.string().nullable(),
    channel: z.string().optional(),
    summary: z.record(z.string(), z.unknown()).optional(),
  }),
]);
export type AgentEvent = z.infer<typeof AgentEventSchema>;

export async function publishAgentEvent(bus: EventBus, event: AgentEvent): Promise<void> {
  await bus.publish(agentsTopic(event.tenantId), AgentEventSchema.parse(event) as unknown as JsonValue);
}

/**
 * The engine's AgentInbox: while an agent owns the conversation (or it waits in the queue) the bot stays
 * silent and each citizen message is published to the agents. The message is already in the transcript,
 * so a failed publish is logged, not thrown: the citizen's turn must not fail because a console is away.
 */
export function createAgentInbox(
  bus: EventBus,
  logger: Logger,
  clock: () => Date = () => new Date(),
): AgentInbox {
  return {
    async deliver(conversation: ConversationRecord, message: IncomingMessage) {
      try {
        await publishAgentEvent(bus, {
          type: 'message',
          tenantId: conversation.tenantId,
          conversationId: conversation.id,
          channel: conversation.channel,
          owner: conversation.owner,
          direction: 'in',
          text: message.text,
          at: (message.receivedAt ?? clock()).toISOString(),
        });
      } catch (error) {
        logger.warn('agent inbox publish failed', { tenant: conversation.tenantId, error: String(error) });
      }
    },
  };
}

const HandoverPayloadSchema = z.object({
  tenantId: z.string(),
  conversationId: z.string(),
  channel: z.string().optional(),
  summary: z.record(z.string(), z.unknown()).optional(),
});

/** Outbox 'conversation.handover' → the queue of every console, live. */
export function handoverPublisher(bus: EventBus, clock: () => Date = () => new Date()) {
  return async (payload: unknown): Promise<void> => {
    const parsed = HandoverPayloadSchema.safeParse(payload);
    if (!parsed.success) return; // nothing to show; webhooks still get the row
    await publishAgentEvent(bus, {
      type: 'conversation',
      change: 'handover',
      tenantId: parsed.data.tenantId,
      conversationId: parsed.data.conversationId,
      channel: parsed.data.channel,
      owner: 'queue',
      agentId: null,
      summary: parsed.data.summary,
      at: clock().toISOString(),
    });
  };
}
