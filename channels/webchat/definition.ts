// What the web chat can do (bot/channel-capabilities.ts): a browser shares its position and a picture,
// and the widget's socket receives agent messages and status changes pushed over the EventBus.
import type { ChannelDefinition } from '../../bot/channel-capabilities';

export const webchatChannel: ChannelDefinition = {
  name: 'webchat',
  label: 'Web chat',
  capabilities: {
    sharesLocation: true,
    receivesMedia: true,
    phoneAddress: false,
    delivery: 'push',
    proactive: true,
    writtenReplies: true,
    answerLimit: { unit: 'words', max: 120 },
    shortAnswers: false,
  },
};
