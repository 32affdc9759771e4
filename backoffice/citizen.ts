// Reaching the citizen from the back office, on the channel of their conversation. The transcript line
// and any outbox row are written in the same transaction as the change that caused them; pushes (web
// chat, Bot Framework) go over the EventBus once that transaction committed.
// How is the channel's declared `delivery` (bot/channel-capabilities.ts):
//   'push'   (web chat, Bot Framework) → EventBus topic `{channel}:{tenantId}:{address}` (the instance holding the socket)
//   'outbox' (SMS, WhatsApp, voice)    → outbox 'notification' row, sent by the channel's provider (voice: an SMS)
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { channelCapabilities, isRegisteredChannel } from '../bot/channel-capabilities';
import { phrase, say, type Locale, type Phrase } from '../bot/i18n';
import { replyToPlainText, type Reply } from '../bot/messages';
import { pushToConversation, type EventBus, type OutboxItem } from '../bot/ports';
import { STATUS_LABELS } from '../intents/request-status/describe';
import type { ConversationMemory, NewMessage, RequestContext } from './ports';
import type { ConversationView, RequestView } from './schemas';

/** A conversation left on a channel this server no longer registers is not reachable. */
const deliveryOf = (channel: string) =>
  isRegisteredChannel(channel) ? channelCapabilities(channel).delivery : 'none';

export const NOTICES = {
  joined: phrase(
    'Un agent a rejoint la conversation et va vous répondre.',
    'A member of staff has joined the conversation and will answer you.',
  ),
  released: phrase(
    'L’agent a terminé. Vous échangez à nouveau avec l’assistant automatique : écrivez votre question si besoin.',
    'The member of staff has left. You are talking to the automated assistant again: type your question if needed.',
  ),
} satisfies Record<string, Phrase>;

/**
 * What the citizen is told when an agent takes the conversation over: the agent's first name when known (never
 * the surname nor an id), else the generic notice.
 */
export function joinedNotice(agentName: string | null | undefined): Phrase {
  const firstName = agentName?.trim().split(/\s+/)[0];
  if (!firstName) return NOTICES.joined;
  return phrase(
    `L’agent ${firstName} a rejoint la conversation et va vous répondre.`,
    `${firstName}, a member of staff, has joined the conversation and will answer you.`,
  );
}

/** A status change told to the citizen who made the request, or to one who follows it (same problem reported). */
export function statusNotice(request: RequestView, note: string | undefined, follower = false): Phrase {
  const label = STATUS_LABELS[request.status];
  const subject = follower
    ? phrase(
        `Le signalement ${request.reference} que vous suivez`,
        `The report ${request.reference} you follow`,
      )
    : phrase(`Votre demande ${request.reference}`, `Your request ${request.reference}`);
  return phrase(
    `${subject.fr} est maintenant : ${label.fr}.${note ? ` Message du service : ${note}` : ''}`,
    `${subject.en} is now: ${label.en}.${note ? ` Message from the service: ${note}` : ''}`,
  );
}

/**
 * A transfer told to the citizen (or a follower): who handles their request now — never "not our
 * responsibility", which leaves people feeling turned away; the reason is the agents' business.
 */
export function transferNotice(request: RequestView, authorityName: string, follower = false): Phrase {
  return follower
    ? phrase(
        `Le signalement ${request.reference} que vous suivez est désormais traité par ${authorityName}.`,
        `The report ${request.reference} you follow is now handled by ${authorityName}.`,
      )
    : phrase(
        `Votre demande ${request.reference} est désormais traitée par ${authorityName}.`,
        `Your request ${request.reference} is now handled by ${authorityName}.`,
      );
}

/** What to write with the change, and what to push once it is committed. */
export interface CitizenDelivery {
  messages: NewMessage[];
  outbox: OutboxItem[];
  /** Run after the commit (pushes are at-most-once; the transcript is the record). */
  afterCommit(bus: EventBus): Promise<void>;
}

export interface DeliveryOptions {
  direction: 'out' | 'agent';
  agentId?: string | null;
  /** The contact said STOP: nothing is sent by SMS/WhatsApp (the transcript still records it). */
  optedOut?: boolean;
  /** Push kinds use the EventBus directly; `viaOutbox` sends them through the outbox too (status changes). */
  viaOutbox?: boolean;
}

export function deliveryTo(
  conversation: Pick<ConversationView, 'id' | 'tenantId' | 'channel' | 'address'>,
  reply: Reply,
  options: DeliveryOptions,
): CitizenDelivery {
  const text = replyToPlainText(reply);
  const messages: NewMessage[] = [
    { direction: options.direction, text, payload: reply, agentId: options.agentId ?? null },
  ];
  const reachable = !conversation.address.startsWith('erased:');
  const outbox: OutboxItem[] = [];
  const delivery = deliveryOf(conversation.channel);
  const viaOutbox = delivery === 'outbox' || (options.viaOutbox && delivery === 'push');
  if (reachable && viaOutbox && !(options.optedOut && delivery === 'outbox')) {
    outbox.push({
      kind: 'notification',
      payload: {
        tenantId: conversation.tenantId,
        channel: conversation.channel,
        to: conversation.address,
        text,
        conversationId: conversation.id,
        // A pushed channel shows the reply itself (buttons); an SMS carries its text.
        ...(delivery === 'push' ? { reply } : {}),
      },
      dedupeKey: `notification:${conversation.id}:${randomUUID()}`,
    });
  }
  const push = reachable && delivery === 'push' && !options.viaOutbox;
  return {
    messages,
    outbox,
    async afterCommit(bus) {
      if (!push) return;
      await pushToConversation(
        bus,
        {
          channel: conversation.channel,
          tenantId: conversation.tenantId,
          address: conversation.address,
        },
        reply,
      );
    },
  };
}

/** The citizen's language, from the conversation state when it is still there (French otherwise). */
export async function citizenLocale(
  conversations: ConversationMemory,
  conversationId: string,
): Promise<Locale> {
  try {
    return (await conversations.conversationState(conversationId)).locale === 'en' ? 'en' : 'fr';
  } catch {
    return 'fr';
  }
}

export const sayIn = (p: Phrase, locale: Locale): string => say(p, locale);

const ContactInPayload = z.object({
  contact: z.object({ kind: z.enum(['phone', 'email']), value: z.string() }),
});

/**
 * When the request has no conversation that can carry a message (Open311, the API, a request filed at the
 * counter without a phone number): the send to the phone number (SMS, unless they said STOP) or e-mail address
 * left in the request, or null.
 */
export function toContactLeft(
  ctx: Pick<RequestContext, 'request' | 'conversation' | 'contactOptedOut'>,
  text: string,
): OutboxItem | null {
  if (ctx.conversation && deliveryOf(ctx.conversation.channel) !== 'none') return null;
  const left = ContactInPayload.safeParse(ctx.request.payload);
  if (!left.success || (left.data.contact.kind === 'phone' && ctx.contactOptedOut)) return null;
  const email = left.data.contact.kind === 'email';
  return {
    kind: 'notification',
    payload: {
      tenantId: ctx.request.tenantId,
      channel: email ? 'email' : 'sms',
      to: left.data.contact.value,
      text,
      ...(email ? { subject: `Votre demande ${ctx.request.reference}` } : {}),
      requestId: ctx.request.id,
    },
    dedupeKey: `notification:${ctx.request.id}:${randomUUID()}`,
  };
}

/** What telling a request's citizens writes: their transcript lines and the outbox rows that send them. */
export interface CitizenNotices {
  messages: NewMessage[];
  followerMessages: { conversationId: string; messages: NewMessage[] }[];
  outbox: OutboxItem[];
}

/**
 * Tells the citizen who made the request, and each citizen who follows it (they were promised to be kept
 * informed), on their own channel and in their own language; a citizen who said STOP gets nothing by
 * SMS/WhatsApp (their transcript still records it). Without a conversation (Open311, API), a phone number
 * left in the report gets an SMS. Each send carries the request's id, so its timeline shows the delivery.
 */
export async function tellCitizens(
  conversations: ConversationMemory,
  ctx: RequestContext,
  notice: (follower: boolean) => Phrase,
  /**
   * A question for the requester after the notice (the satisfaction question), as their channel shows it
   * (satisfactionReply): a reply of its own when it has buttons (web chat), else the notice's last line (one SMS).
   */
  question?: (channel: string, locale: Locale) => Reply,
): Promise<CitizenNotices> {
  const outbox: OutboxItem[] = [];
  const tell = (conversation: ConversationView, optedOut: boolean, replies: Reply[]) =>
    replies.flatMap((reply) => {
      const delivery = deliveryTo(conversation, reply, { direction: 'out', optedOut, viaOutbox: true });
      outbox.push(
        ...delivery.outbox.map((o) => ({ ...o, payload: { ...o.payload, requestId: ctx.request.id } })),
      );
      return delivery.messages;
    });
  const withQuestion = (conversation: ConversationView, text: string, locale: Locale): Reply[] => {
    const asked = question?.(conversation.channel, locale);
    if (!asked) return [{ type: 'text', text }];
    return asked.type === 'text'
      ? [{ type: 'text', text: `${text}\n${asked.text}` }]
      : [{ type: 'text', text }, asked];
  };
  const locale = ctx.request.conversationId
    ? await citizenLocale(conversations, ctx.request.conversationId)
    : 'fr';
  const text = say(notice(false), locale);
  const followerLocales = await Promise.all(
    ctx.followers.map((f) => citizenLocale(conversations, f.conversation.id)),
  );
  const followerMessages = ctx.followers.map((follower, i) => ({
    conversationId: follower.conversation.id,
    messages: tell(follower.conversation, follower.optedOut, [
      { type: 'text', text: say(notice(true), followerLocales[i] ?? 'fr') },
    ]),
  }));
  let messages: NewMessage[] = [];
  if (ctx.conversation)
    messages = tell(ctx.conversation, ctx.contactOptedOut, withQuestion(ctx.conversation, text, locale));
  const left = toContactLeft(ctx, text);
  if (left) outbox.push(left);
  return { messages, followerMessages, outbox };
}
