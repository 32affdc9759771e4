// The channel-neutral message model. Channels turn their requests into an IncomingMessage and
// render the neutral Replies for their medium; the engine never sees a channel's own format.
import { z } from 'zod';
import { ChannelNameSchema } from './channel-capabilities';

/** A registered channel's name (bot/channel-capabilities.ts): channels are declared by their folders. */
export const ChannelSchema = ChannelNameSchema;
export type Channel = string;

export const MAX_TEXT_LENGTH = 2000;

export const LocationSchema = z.object({
  lat: z.number().min(-90).max(90),
  lon: z.number().min(-180).max(180),
  label: z.string().max(300).optional(),
});
export type GeoPoint = z.infer<typeof LocationSchema>;

export const MediaSchema = z.object({
  url: z.url().max(2000),
  contentType: z.string().max(100).optional(),
});
export type Media = z.infer<typeof MediaSchema>;

export const IncomingMessageSchema = z.object({
  tenantId: z.string().min(1).max(64),
  channel: ChannelSchema,
  /** Stable address of the conversation on its channel: phone number, webchat session id, Bot Framework conversation id. */
  address: z.string().min(1).max(256),
  /** The provider's message id (Twilio MessageSid, activity id, webchat client id): the idempotency key. */
  providerMessageId: z.string().min(1).max(128).optional(),
  text: z.string().max(MAX_TEXT_LENGTH),
  /** A choice clicked or typed as its number: the value of the chosen choice. */
  choiceValue: z.string().max(200).optional(),
  locale: z.enum(['fr', 'en']).optional(),
  media: z.array(MediaSchema).max(10).optional(),
  location: LocationSchema.optional(),
  /** Speech recognition confidence (0..1) on voice. */
  speechConfidence: z.number().min(0).max(1).optional(),
  receivedAt: z.date().optional(),
});
export type IncomingMessage = z.infer<typeof IncomingMessageSchema>;

export const ChoiceSchema = z.object({ label: z.string(), value: z.string() });
export type Choice = z.infer<typeof ChoiceSchema>;

export const ReplySchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), text: z.string() }),
  z.object({ type: z.literal('choices'), text: z.string(), choices: z.array(ChoiceSchema).min(1) }),
  z.object({
    type: z.literal('card'),
    title: z.string(),
    text: z.string().optional(),
    fields: z.array(z.object({ label: z.string(), value: z.string() })).optional(),
    link: z.object({ label: z.string(), url: z.string() }).optional(),
  }),
  z.object({ type: z.literal('link'), text: z.string(), url: z.string() }),
  z.object({ type: z.literal('location_request'), text: z.string() }),
  z.object({
    type: z.literal('handover'),
    text: z.string(),
    state: z.enum(['queued', 'agent_joined', 'agent_message', 'released', 'transfer']),
    /** Phone number to transfer a call to (voice), when state is 'transfer'. */
    transferTo: z.string().optional(),
  }),
  z.object({ type: z.literal('end'), text: z.string().optional() }),
]);
export type Reply = z.infer<typeof ReplySchema>;

export const text = (t: string): Reply => ({ type: 'text', text: t });
export const choices = (t: string, c: Choice[]): Reply => ({ type: 'choices', text: t, choices: c });

/** A stored or queued reply (a message's payload) as the reply it was, or as its plain text when unreadable. */
export function replyOrText(value: unknown, text: string): Reply {
  const parsed = ReplySchema.safeParse(value);
  return parsed.success ? parsed.data : { type: 'text', text };
}

/** Plain-text form of a reply, for transcripts and for channels without rich rendering. */
export function replyToPlainText(reply: Reply): string {
  switch (reply.type) {
    case 'text':
    case 'location_request':
    case 'handover':
      return reply.text;
    case 'choices':
      return `${reply.text} ${reply.choices.map((c, i) => `${i + 1}. ${c.label}`).join(' ; ')}`;
    case 'card': {
      const fields = (reply.fields ?? []).map((f) => `${f.label} : ${f.value}`).join('\n');
      return [reply.title, reply.text, fields, reply.link?.url].filter(Boolean).join('\n');
    }
    case 'link':
      return `${reply.text} ${reply.url}`;
    case 'end':
      return reply.text ?? '';
  }
}

/** What a turn answers: the replies of one incoming message, on the conversation it belongs to. */
export interface TurnResult {
  conversationId: string;
  replies: Reply[];
  /** The same provider message was already processed: this is the stored answer, nothing was redone. */
  replayed?: boolean;
  /**
   * The answer of a turn an instance committed but did not live to give, read back from the transcript on the
   * provider's retry: nothing was recorded twice, and the answer is to be delivered (it never was).
   */
  recovered?: boolean;
  /** The conversation is owned by an agent: the bot stayed silent and the message went to the agent. */
  forwardedToAgent?: boolean;
}
