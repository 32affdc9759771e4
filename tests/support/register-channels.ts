// Jest setup (every test file): the built-in channels are registered, as the server registers them at
// start (server/container.ts). Tests of a new channel register it themselves (tests/channels/toy-channel.test.ts).
import { registerBuiltInChannels } from '../../channels/built-in';

registerBuiltInChannels();
