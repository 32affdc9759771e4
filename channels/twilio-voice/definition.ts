// What the phone line can do (bot/channel-capabilities.ts): speech only, the caller's number as the
// address; a message after the call goes out as an SMS to that number (outbox).
import type { ChannelDefinition } from '../../bot/channel-capabilities';

export const voiceChannel: ChannelDefinition = {
  name: 'voice',
  label: 'Téléphone',
  capabilities: {
    sharesLocation: false,
    receivesMedia: false,
    phoneAddress: true,
    delivery: 'outbox',
    proactive: true,
    writtenReplies: false,
    /** About 15 s of speech. */
    answerLimit: { unit: 'words', max: 40 },
    shortAnswers: true,
  },
};
