// The Bot Framework channel while no app id is configured: POST /api/messages answers 403, and botbuilder
// is never loaded (it is the largest dependency in memory). Nothing here may import botbuilder at run time.
import type { Logger } from '../../bot/logger';
import type { BotFrameworkChannel } from './channel-shape';
import { createBotFrameworkRouter } from './router';

/** The channel answers activities only with an app id, or anonymously when explicitly allowed (development). */
export const botFrameworkEnabled = (
  appId: string | undefined,
  allowAnonymous: boolean | undefined,
): boolean => Boolean(appId) || Boolean(allowAnonymous);

export const warnBotFrameworkDisabled = (logger: Logger): void =>
  logger.warn(
    'Bot Framework channel is disabled: set MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD (POST /api/messages answers 403 until then)',
  );

export function createDisabledBotFrameworkChannel(logger: Logger): BotFrameworkChannel {
  warnBotFrameworkDisabled(logger);
  return {
    enabled: false,
    router: createBotFrameworkRouter({ enabled: false }),
    start: () => Promise.resolve(),
    close: () => Promise.resolve(),
  };
}
