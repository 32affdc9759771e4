// Conversation state kept in the state store between turns. Small and bounded on purpose
// (target ≤ 4 KB per conversation): no transcript here — the transcript lives in the shared store.
import { z } from 'zod';
import type { JsonObject } from './ports';

export const MAX_QUESTION_CHARS = 300;

const SlotValue = z.union([z.string(), z.number(), z.boolean(), z.null(), z.record(z.string(), z.unknown())]);

export const FormStateSchema = z.object({
  name: z.string(),
  values: z.record(z.string(), SlotValue),
  /** The slot whose question was asked last, if any. */
  pending: z.string().nullable(),
  /** Invalid answers to the pending slot, to vary the re-ask and stop after a few. */
  attempts: z.number().int().min(0),
  confirming: z.boolean(),
});
export type FormState = z.infer<typeof FormStateSchema>;

export const ConversationStateSchema = z.object({
  locale: z.enum(['fr', 'en']).default('fr'),
  noticeShown: z.boolean().default(false),
  form: FormStateSchema.nullable().default(null),
  /** Choices offered by the last reply: a bare "2" selects the second one on text channels. */
  lastChoices: z
    .array(z.object({ label: z.string(), value: z.string() }))
    .max(10)
    .default([]),
  /** Pending question outside a form, e.g. which facility for opening hours. */
  awaiting: z
    .object({ kind: z.string(), data: z.record(z.string(), z.unknown()).default({}) })
    .nullable()
    .default(null),
  /**
   * What the last answer was about, for follow-ups ("est-ce ouvert maintenant ?" after the mairie's hours):
   * owned by the module named in `kind`, forgotten after CONTEXT_TTL_MS.
   */
  context: z
    .object({ kind: z.string(), data: z.record(z.string(), z.unknown()).default({}), at: z.string() })
    .nullable()
    .default(null),
  /**
   * How the question behind `lastChoices` reads a bare "oui"/"non": a yes/no question ("Voulez-vous parler à
   * un agent ?") picks its first/last choice; an either/or or a "which?" question cannot, and `misses` counts
   * the bare yes/no answers it got in a row (two → the safe path).
   */
  choiceQuestion: z
    .object({ yesNo: z.boolean(), misses: z.number().int().min(0).max(10) })
    .nullable()
    .default(null),
  /** Consecutive turns the bot did not understand (two → offer a human). */
  misunderstandings: z.number().int().min(0).default(0),
  /** Last few intents, bounded. */
  recentIntents: z.array(z.string()).max(5).default([]),
  /**
   * The citizen's latest own sentence (not a menu choice, a form answer or a request for a person), for the
   * agents' hand-over summary. Already in the transcript; bounded; forgotten with the conversation.
   */
  lastQuestion: z.string().max(MAX_QUESTION_CHARS).nullable().default(null),
  /** The satisfaction question was asked after an agent released this conversation: never asked twice. */
  satisfactionAsked: z.boolean().default(false),
  /**
   * The provider message id of the last turn this state records. A provider's retry of that message (its
   * instance died after committing, before recording its answer) is then answered from the transcript
   * instead of being understood again on the state it already moved on.
   */
  lastMessageId: z.string().max(200).nullable().default(null),
  /**
   * The mark a channel command gave its answer (TurnCommand's `mark`: SMS STOP's confirmation), while that
   * answer is the last one; null once the dialogue answers (or a command without a mark).
   */
  commandMark: z.string().max(100).nullable().default(null),
});
export type ConversationState = z.infer<typeof ConversationStateSchema>;

export const initialState = (): ConversationState => ConversationStateSchema.parse({});

/** Parses stored data; anything unreadable (old schema, corruption) restarts cleanly instead of crashing. */
export function readState(data: JsonObject | undefined): ConversationState {
  if (!data) return initialState();
  const parsed = ConversationStateSchema.safeParse(data);
  return parsed.success ? parsed.data : initialState();
}

export const MAX_RECENT_INTENTS = 5;

/**
 * The satisfaction question put to a conversation from outside a turn (back office: request resolved, agent
 * released): `id` is its row in the shared store, `requestId` null when it rates the conversation itself.
 */
export interface SatisfactionQuestion {
  id: string;
  requestId: string | null;
  askedAt: string;
}
/** The `awaiting.kind` of a pending satisfaction question, answered by intents/satisfaction. */
export const SATISFACTION_SCORE = 'satisfaction.score';
/** A follow-up later than this starts afresh: "est-ce ouvert ?" an hour later may be about another place. */
export const CONTEXT_TTL_MS = 30 * 60 * 1000;

/**
 * State a channel keeps beside the conversation's own (the SMS pages still to send after a long answer),
 * in the same store. Listed here so that erasing a conversation erases it too (Engine.forgetConversation).
 */
export const CHANNEL_STATE_KINDS = ['sms-pages'] as const;
export type ChannelStateKind = (typeof CHANNEL_STATE_KINDS)[number];
export const channelStateKey = (conversationId: string, kind: ChannelStateKind): string =>
  `conv:${conversationId}:${kind}`;
