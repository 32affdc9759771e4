// The terminal (`npm run chat`): plain text, nobody to reach once the session ends.
import type { ChannelDefinition } from '../../bot/channel-capabilities';

export const cliChannel: ChannelDefinition = {
  name: 'cli',
  label: 'Terminal',
  capabilities: {
    sharesLocation: false,
    receivesMedia: false,
    phoneAddress: false,
    delivery: 'none',
    proactive: false,
    writtenReplies: true,
    answerLimit: { unit: 'words', max: 120 },
    shortAnswers: false,
  },
};
