// What one SMS/WhatsApp turn sends, and how: TwiML carries text only, so a WhatsApp menu sent as a
// Content API template (tappable buttons or a list) goes through the REST API, after the webhook's answer.
import type { Reply } from '../../bot/messages';
import type { Territory } from '../../knowledge/territory';
import { renderSmsTurn } from '../render/sms';
import { renderWhatsApp, type WhatsAppMessage } from '../render/whatsapp';
import type { ReplySender } from '../twilio-common';

export type MessagingChannel = 'sms' | 'whatsapp';

export interface Outgoing {
  /** Sent now, in order. */
  messages: WhatsAppMessage[];
  /** SMS pages waiting for "SUITE". */
  later: string[];
}

export interface OutgoingOptions {
  channel: MessagingChannel;
  territory: Territory;
  /** Pages can wait for "SUITE" (a state store): otherwise every page is sent now. */
  paging: boolean;
  /** The REST sender can send Content API templates: otherwise menus stay numbered text. */
  templates: boolean;
}

export function outgoingOf(replies: readonly Reply[], options: OutgoingOptions): Outgoing {
  const { territory } = options;
  if (options.channel === 'whatsapp') {
    const templates = options.templates ? territory.whatsapp.menuTemplates : [];
    return { messages: renderWhatsApp(replies, { templates }), later: [] };
  }
  const turn = renderSmsTurn(replies, {
    channel: 'sms',
    transliterate: territory.sms.transliterate,
    segmentBudget: territory.sms.segmentBudget,
    notice: territory.notice.shortText,
  });
  const now = options.paging ? turn.now : [...turn.now, ...turn.later];
  return {
    messages: now.map((body) => ({ kind: 'text', body })),
    later: options.paging ? turn.later : [],
  };
}

/** True when the messages need the REST API (a template); plain text goes in the TwiML answer. */
export const needsRest = (messages: readonly WhatsAppMessage[]): boolean =>
  messages.some((m) => m.kind === 'content');

export const bodiesOf = (messages: readonly WhatsAppMessage[]): string[] => messages.map((m) => m.body);

/**
 * Sends the messages in order through the REST API. A template Twilio refuses (deleted, not approved)
 * is sent again as its numbered text: the citizen still gets the menu.
 */
export async function sendByRest(
  sender: ReplySender,
  channel: MessagingChannel,
  to: string,
  from: string,
  messages: readonly WhatsAppMessage[],
  onTemplateError: (error: unknown) => void,
): Promise<void> {
  for (const message of messages) {
    if (channel === 'sms') {
      await sender.sendSms(to, from, message.body);
      continue;
    }
    if (message.kind === 'content' && sender.sendWhatsAppContent) {
      try {
        await sender.sendWhatsAppContent(to, from, message.contentSid, message.variables);
        continue;
      } catch (error) {
        onTemplateError(error);
      }
    }
    await sender.sendWhatsApp(to, from, message.body);
  }
}
