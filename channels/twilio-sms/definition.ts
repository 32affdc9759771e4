// What SMS and WhatsApp (one Twilio webhook) can do (bot/channel-capabilities.ts). The address is the
// phone number; messages after the conversation go through the outbox and the Twilio notifier.
import type { ChannelDefinition } from '../../bot/channel-capabilities';

/** About 3 segments: beyond, a citizen pays for and reads a wall of text. */
const SMS_ANSWER = { unit: 'chars', max: 450 } as const;

export const smsChannel: ChannelDefinition = {
  name: 'sms',
  label: 'SMS',
  capabilities: {
    sharesLocation: false,
    receivesMedia: false,
    phoneAddress: true,
    delivery: 'outbox',
    proactive: true,
    writtenReplies: true,
    answerLimit: SMS_ANSWER,
    shortAnswers: true,
  },
};

export const whatsappChannel: ChannelDefinition = {
  name: 'whatsapp',
  label: 'WhatsApp',
  capabilities: {
    sharesLocation: true,
    receivesMedia: true,
    phoneAddress: true,
    delivery: 'outbox',
    proactive: true,
    writtenReplies: true,
    answerLimit: SMS_ANSWER,
    shortAnswers: false,
  },
};
