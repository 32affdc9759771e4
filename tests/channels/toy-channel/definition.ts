// A toy channel, as a contributor would add one (docs/add-a-channel.md): its name and what it can do.
import type { ChannelDefinition } from '../../../bot/channel-capabilities';

export const toyChannel: ChannelDefinition = {
  name: 'toy',
  label: 'Canal jouet',
  capabilities: {
    sharesLocation: false,
    receivesMedia: false,
    phoneAddress: false,
    delivery: 'none',
    proactive: false,
    writtenReplies: true,
    answerLimit: { unit: 'words', max: 60 },
    shortAnswers: true,
  },
};
