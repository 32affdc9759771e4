// Where to reach a conversation later (agent replies, status updates): the Bot Framework conversation
// reference (serviceUrl, conversation, bot), kept per address in the conversation state store (memory
// embedded, Redis in production), so any instance can send proactively.
import type { ConversationReference } from 'botbuilder';
import { z } from 'zod';
import { isGuichetError } from '../../bot/errors';
import type { ConversationStateStore, JsonObject } from '../../bot/ports';

const ReferenceSchema = z
  .object({
    serviceUrl: z.url(),
    channelId: z.string().min(1),
    conversation: z.object({ id: z.string().min(1) }).loose(),
  })
  .loose();

export class ConversationReferences {
  constructor(
    private readonly state: ConversationStateStore,
    private readonly ttlSeconds: number,
  ) {}

  private key = (tenantId: string, address: string): string => `botframework:ref:${tenantId}:${address}`;

  async save(tenantId: string, address: string, reference: Partial<ConversationReference>): Promise<void> {
    const data = JSON.parse(JSON.stringify(reference)) as JsonObject;
    // Versioned store: two turns of one conversation saving at once retry on the newer version.
    for (let attempt = 0; attempt < 3; attempt++) {
      const current = await this.state.get(this.key(tenantId, address));
      try {
        await this.state.set(this.key(tenantId, address), data, current?.version ?? 0, this.ttlSeconds);
        return;
      } catch (error) {
        if (!isGuichetError(error) || error.code !== 'STALE_STATE') throw error;
      }
    }
  }

  async load(tenantId: string, address: string): Promise<Partial<ConversationReference> | undefined> {
    const stored = await this.state.get(this.key(tenantId, address));
    const parsed = ReferenceSchema.safeParse(stored?.data);
    return parsed.success ? (parsed.data as unknown as Partial<ConversationReference>) : undefined;
  }
}
