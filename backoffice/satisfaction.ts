// The satisfaction question put to a citizen from the back office: once their request is resolved (at the end of
// the status notice) or once an agent released their conversation. Only where they can answer in writing in the
// same conversation (not the phone line), never to a contact who said STOP, never twice for a request (its row
// in satisfaction_answers) nor for a conversation (its dialogue state). Answered by intents/satisfaction.
import { randomUUID } from 'node:crypto';
import { channelCapabilities, isRegisteredChannel } from '../bot/channel-capabilities';
import { say, type Locale } from '../bot/i18n';
import type { Reply } from '../bot/messages';
import { SATISFACTION_CHOICES, SATISFACTION_QUESTION } from '../intents/satisfaction';
import type { BackofficeStore, ConversationMemory, RequestContext, SatisfactionAsked, Scope } from './ports';
import type { ConversationView } from './schemas';

/** The citizen can answer in writing in this conversation, and may be written to. */
export function mayAskSatisfaction(
  conversation: Pick<ConversationView, 'channel' | 'address'>,
  optedOut: boolean,
): boolean {
  if (conversation.address.startsWith('erased:') || !isRegisteredChannel(conversation.channel)) return false;
  const capabilities = channelCapabilities(conversation.channel);
  if (!capabilities.writtenReplies || capabilities.delivery === 'none') return false;
  return !(optedOut && capabilities.delivery === 'outbox');
}

/**
 * Asks about a request that becomes resolved, when it may: the conversation's next message is then read as the
 * answer. Returns the row to write with the status change, or undefined (not asked).
 */
export async function askAboutRequest(
  conversations: ConversationMemory,
  ctx: RequestContext,
  status: RequestContext['request']['status'],
  now = new Date(),
): Promise<SatisfactionAsked | undefined> {
  const conversation = ctx.conversation;
  if (status !== 'resolved' || ctx.request.status === 'resolved' || ctx.satisfactionAsked) return undefined;
  // Not while an agent holds the conversation: the citizen's "4" would go to the agent.
  if (!conversation || conversation.owner !== 'bot' || !conversations.askSatisfaction) return undefined;
  if (!mayAskSatisfaction(conversation, ctx.contactOptedOut)) return undefined;
  const asked: SatisfactionAsked = {
    id: randomUUID(),
    conversationId: conversation.id,
    channel: conversation.channel,
    askedAt: now.toISOString(),
  };
  const pending = await conversations
    .askSatisfaction(conversation.id, { id: asked.id, requestId: ctx.request.id, askedAt: asked.askedAt })
    .catch(() => false);
  return pending ? asked : undefined;
}

/** After an agent released the conversation: true when the question is now pending (append it to the notice). */
export async function askAboutConversation(
  conversations: ConversationMemory,
  conversation: Pick<ConversationView, 'id' | 'channel' | 'address'>,
  optedOut: boolean,
  now = new Date(),
): Promise<boolean> {
  if (!conversations.askSatisfaction || !mayAskSatisfaction(conversation, optedOut)) return false;
  return conversations
    .askSatisfaction(conversation.id, { id: randomUUID(), requestId: null, askedAt: now.toISOString() })
    .catch(() => false);
}

/**
 * Before an agent releases a conversation: may the question follow the notice? Not if the contact said STOP,
 * the channel takes no written answer, or this conversation was already asked.
 */
export async function mayAskAfterAgent(
  store: Pick<BackofficeStore, 'getConversation' | 'getContact'>,
  conversations: ConversationMemory,
  scope: Scope,
  id: string,
): Promise<boolean> {
  if (!conversations.askSatisfaction) return false;
  const conversation = await store.getConversation(scope, id);
  if (!conversation || conversation.owner === 'bot') return false;
  const contact = await store.getContact(scope, conversation.contactId);
  if (!mayAskSatisfaction(conversation, contact?.optedOut === true)) return false;
  const state = await conversations.conversationState(id).catch(() => null);
  return state !== null && !state.satisfactionAsked;
}

/** The question as the channel shows it best: buttons 1 to 5 where pushed (web chat), a sentence elsewhere. */
export function satisfactionReply(channel: string, locale: Locale): Reply {
  const text = say(SATISFACTION_QUESTION, locale);
  const push = isRegisteredChannel(channel) && channelCapabilities(channel).delivery === 'push';
  return push ? { type: 'choices', text, choices: [...SATISFACTION_CHOICES] } : { type: 'text', text };
}
