// How an agent can reach a citizen in writing after the bot: on the conversation's own channel when it
// carries written replies (its declared capability), else by SMS when the conversation's address is a phone
// number that can receive one and the territory can send SMS; otherwise only by calling back.
import { z } from 'zod';
import { channelCapabilities, isRegisteredChannel } from '../bot/channel-capabilities';

import { phoneForPeople, receivesSms, toE164 } from '../bot/phone-numbers';

export { phoneForPeople, receivesSms };

export const ReachSchema = z.object({
  /** A written reply reaches the citizen in this conversation. */
  written: z.boolean(),
  /** It does not, but an SMS to the conversation's number can (POST /conversations/{id}/sms). */
  sms: z.boolean(),
  /** The conversation's phone number (E.164) when its address is one; null otherwise or once erased. */
  phone: z.string().nullable(),
  phoneDisplay: z.string().nullable(),
});
export type Reach = z.infer<typeof ReachSchema>;

export function reachOf(
  conversation: { channel: string; address: string },
  /** The territory can send SMS (Twilio configured and a number to send from). */
  smsAvailable: boolean,
): Reach {
  const capabilities = isRegisteredChannel(conversation.channel)
    ? channelCapabilities(conversation.channel)
    : undefined;
  // A phone call's conversation is addressed by its CallSid (one call, one conversation): not a number to
  // call back or text, so none is offered (the caller's number is in a callback task or a voice message).
  const phone =
    capabilities?.phoneAddress && !conversation.address.startsWith('erased:') && toE164(conversation.address)
      ? conversation.address
      : null;
  const written = capabilities?.writtenReplies ?? false;
  return {
    written,
    sms: !written && phone !== null && smsAvailable && receivesSms(phone),
    phone,
    phoneDisplay: phone === null ? null : phoneForPeople(phone),
  };
}
