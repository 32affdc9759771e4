// What the phone line remembers during one call, between Twilio's callbacks: the question asked and
// its keypad menu, failed attempts, a pending read-back or SMS offer, the caller's number (for SMS
// follow-ups). Kept in the conversation-state store (Redis in production: any instance can take the
// next callback), under its own key, for the length of a call. The dialogue's own state stays the
// engine's (keyed by conversation; the CallSid is the conversation address).
import { z } from 'zod';
import { GuichetError } from '../../bot/errors';
import type { ConversationStateStore, JsonObject } from '../../bot/ports';

const ChoiceSchema = z.object({ label: z.string(), value: z.string(), spoken: z.string().optional() });

export const QuestionSchema = z.object({
  prompt: z.string(),
  choices: z.array(ChoiceSchema).max(9),
  /**
   * engine: a question of the dialogue; anything_else: "autre chose ?" (silence ends the call);
   * confirm / offer: the channel's own yes-no questions; satisfaction: "notez cet échange de 1 à 5" (a digit).
   */
  kind: z.enum(['engine', 'anything_else', 'confirm', 'offer', 'away', 'keypad', 'satisfaction']),
  /** The answer must be right (address, name): read back when recognition is unsure. */
  critical: z.boolean().default(false),
});
export type Question = z.infer<typeof QuestionSchema>;

const PendingSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('confirm'), text: z.string(), then: QuestionSchema }),
  /** An SMS we offered to send; `after` is asked once answered (null: ask if anything else). */
  z.object({
    kind: z.literal('sms'),
    body: z.string(),
    after: QuestionSchema.nullable(),
    hangupAfter: z.boolean().default(false),
  }),
  /** No agent takes the call (closed, or the transfer was not answered): callback, voice message or SMS. */
  z.object({ kind: z.literal('away'), reason: z.enum(['closed', 'unanswered']) }),
  /** A callback: to this number (1) or another one (2)? Then a number typed, then read back (1 / 2). */
  z.object({
    kind: z.literal('callback_number'),
    phone: z.string(),
    reason: z.enum(['closed', 'unanswered']),
  }),
  z.object({ kind: z.literal('typed_number'), reason: z.enum(['closed', 'unanswered']) }),
  z.object({
    kind: z.literal('confirm_number'),
    phone: z.string(),
    reason: z.enum(['closed', 'unanswered']),
  }),
  /** A voice message is being recorded. */
  z.object({ kind: z.literal('recording'), reason: z.enum(['closed', 'unanswered']) }),
]);
export type Pending = z.infer<typeof PendingSchema>;

export const VoiceSessionSchema = z.object({
  tenantId: z.string(),
  callSid: z.string(),
  caller: z.string(),
  /** The territory number called: SMS follow-ups are sent from it. */
  called: z.string(),
  /** Last callback handled and its answer: a retried callback gets the same TwiML, nothing is redone. */
  lastStep: z.number().int(),
  lastTwiml: z.string(),
  /** Sequence for the next action URL. */
  counter: z.number().int(),
  question: QuestionSchema,
  failures: z.number().int().min(0),
  pending: PendingSchema.nullable(),
  /** The engine turn in flight when we answered "un instant" (replayed through its provider message id). */
  inflight: z
    .object({
      id: z.string(),
      text: z.string(),
      choiceValue: z.string().optional(),
      speechConfidence: z.number().optional(),
      waits: z.number().int(),
    })
    .nullable(),
  noticeSaid: z.boolean(),
  /** The satisfaction question was asked in this call (never twice). */
  satisfactionAsked: z.boolean().default(false),
});
export type VoiceSession = z.infer<typeof VoiceSessionSchema>;

/** A call rarely lasts an hour; the session outlives it a little for late callbacks. */
const SESSION_TTL_S = 2 * 3600;

export class VoiceSessions {
  constructor(private readonly store: ConversationStateStore) {}

  private key(tenantId: string, callSid: string): string {
    return `twilio-voice:${tenantId}:${callSid}`;
  }

  async load(tenantId: string, callSid: string): Promise<{ session: VoiceSession; version: number } | null> {
    const stored = await this.store.get(this.key(tenantId, callSid));
    if (!stored) return null;
    const parsed = VoiceSessionSchema.safeParse(stored.data);
    // An unreadable session (older format) restarts the call flow rather than failing the call.
    return parsed.success ? { session: parsed.data, version: stored.version } : null;
  }

  /** Versioned write; a concurrent callback that wrote first wins (Twilio sends one at a time per call). */
  async save(session: VoiceSession, version: number): Promise<void> {
    try {
      await this.store.set(
        this.key(session.tenantId, session.callSid),
        session as unknown as JsonObject,
        version,
        SESSION_TTL_S,
      );
    } catch (error) {
      if (error instanceof GuichetError && error.code === 'STALE_STATE') return;
      throw error;
    }
  }
}
