// The outbox 'notification' handler: a message to a citizen, sent on the channel it names. SMS, WhatsApp
// and voice (an SMS to the caller) go to the Twilio notifier; web chat and Bot Framework are pushed over
// the EventBus to whichever instance holds the conversation.
import { z } from 'zod';
import { GuichetError } from '../bot/errors';
import { channelCapabilities, isRegisteredChannel } from '../bot/channel-capabilities';
import { replyOrText } from '../bot/messages';
import { pushToConversation, type EventBus } from '../bot/ports';

export const NotificationSchema = z.looseObject({
  tenantId: z.string().min(1).max(64),
  channel: z.string().min(1).max(32),
  to: z.string().min(1).max(256),
  text: z.string().min(1).max(4000),
  conversationId: z.string().optional(),
  /** The reply as the web chat shows it (buttons…); the text alone when absent or unreadable. */
  reply: z.unknown().optional(),
});

/** Sends one SMS/WhatsApp notification payload (adapters/twilio's notificationHandler). */
export type SmsSender = (payload: unknown) => Promise<unknown>;

/** Sends one e-mail notification payload (adapters/email's SMTP sender). */
export type EmailSender = (payload: unknown) => Promise<unknown>;

export function createNotificationDispatcher(deps: { bus: EventBus; sms?: SmsSender; email?: EmailSender }) {
  return async (payload: unknown): Promise<void> => {
    const parsed = NotificationSchema.safeParse(payload);
    // A malformed row will never succeed: a permanent failure (BAD_REQUEST), not a retry.
    if (!parsed.success) throw new GuichetError('BAD_REQUEST', 'Invalid notification payload');
    const n = parsed.data;
    // E-mail is not a conversation channel: a citizen who left an address at the desk or in a form.
    if (n.channel === 'email') {
      if (!deps.email) throw new Error('E-mail sending is not configured (SMTP_URL)');
      await deps.email(payload);
      return;
    }
    // The channel's declared delivery (bot/channel-capabilities.ts): the outbox ones are the Twilio channels.
    switch (isRegisteredChannel(n.channel) ? channelCapabilities(n.channel).delivery : 'none') {
      case 'outbox':
        // Retried with backoff: configuring Twilio later still sends what is queued.
        if (!deps.sms)
          throw new Error('SMS/WhatsApp sending is not configured (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN)');
        await deps.sms(payload);
        return;
      case 'push':
        await pushToConversation(
          deps.bus,
          { channel: n.channel, tenantId: n.tenantId, address: n.to },
          replyOrText(n.reply, n.text),
        );
        return;
      default:
        throw new GuichetError('BAD_REQUEST', `No way to notify a citizen on channel ${n.channel}`);
    }
  };
}
