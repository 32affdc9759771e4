// Callbacks the bot promised. The promise travels in the 'conversation.handover' outbox row (written in the
// same transaction as the turn that made it); the relay turns it into one task per promise (the row's
// dedupe key), so a retried delivery records nothing twice.
import { z } from 'zod';
import type { OutboxRow } from '../adapters/outbox';
import type { CallbackStore } from './ports';

const PromiseSchema = z.object({
  tenantId: z.string(),
  conversationId: z.string(),
  summary: z.object({
    question: z.string().nullable().optional(),
    followUp: z.object({
      kind: z.literal('callback'),
      phone: z.string().min(3),
      promisedBy: z.iso.datetime(),
    }),
  }),
});

/** Outbox 'conversation.handover' → a callback task when the bot promised one; other hand-overs are ignored. */
export async function recordPromisedCallback(
  store: Pick<CallbackStore, 'recordCallback'>,
  row: OutboxRow,
): Promise<void> {
  const promise = PromiseSchema.safeParse(row.payload);
  if (!promise.success) return;
  const { tenantId, conversationId, summary } = promise.data;
  await store.recordCallback({
    tenantId,
    conversationId,
    promiseKey: row.dedupeKey,
    phone: summary.followUp.phone,
    question: summary.question ?? null,
    promisedBy: new Date(summary.followUp.promisedBy),
  });
}
