// What Bot Framework conversations (Teams, Direct Line…) can do (bot/channel-capabilities.ts): location
// and attachments from the client, proactive messages through the saved conversation reference.
import type { ChannelDefinition } from '../../bot/channel-capabilities';

export const botframeworkChannel: ChannelDefinition = {
  name: 'botframework',
  label: 'Bot Framework (Teams…)',
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
