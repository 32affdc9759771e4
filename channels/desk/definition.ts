// The town hall's counter and its switchboard: points of contact where an agent files the request for the
// citizen through the console's desk form (backoffice/desk), with the very form definitions the bot uses.
// Nobody is reached "on" them afterwards: the citizen is told by SMS at the number they gave, or reads the
// printed receipt.
import type { ChannelCapabilities, ChannelDefinition } from '../../bot/channel-capabilities';

const throughAnAgent: ChannelCapabilities = {
  sharesLocation: false,
  receivesMedia: false,
  phoneAddress: false,
  delivery: 'none',
  proactive: false,
  writtenReplies: false,
  answerLimit: { unit: 'words', max: 400 },
  shortAnswers: false,
};

export const deskChannel: ChannelDefinition = {
  name: 'desk',
  label: 'Accueil en mairie',
  capabilities: throughAnAgent,
};

export const switchboardChannel: ChannelDefinition = {
  name: 'phone',
  label: 'Standard téléphonique',
  capabilities: throughAnAgent,
};
