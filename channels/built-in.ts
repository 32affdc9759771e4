// The channels this server ships, one line each: the only list of channels in the code base. The
// composition root registers them in the core's registry (bot/channel-capabilities.ts) before any turn.
import { registerChannel, type ChannelDefinition } from '../bot/channel-capabilities';
import { botframeworkChannel } from './botframework/definition';
import { cliChannel } from './cli/definition';
import { deskChannel, switchboardChannel } from './desk/definition';
import { smsChannel, whatsappChannel } from './twilio-sms/definition';
import { voiceChannel } from './twilio-voice/definition';
import { webchatChannel } from './webchat/definition';

export const BUILT_IN_CHANNELS: readonly ChannelDefinition[] = [
  webchatChannel,
  smsChannel,
  whatsappChannel,
  voiceChannel,
  botframeworkChannel,
  cliChannel,
  deskChannel,
  switchboardChannel,
];

/** Idempotent: the server, the CLI and the tests may all call it. */
export function registerBuiltInChannels(): void {
  for (const definition of BUILT_IN_CHANNELS) registerChannel(definition);
}
