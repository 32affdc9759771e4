// The Bot Framework channel assembled (the only folder that imports botbuilder: swapping it for the
// Microsoft 365 Agents SDK stays a change of this folder).
import type { Activity } from 'botbuilder';
import type { Engine } from '../../bot/engine';
import type { Logger } from '../../bot/logger';
import type { ConversationStateStore, EventBus, IdempotencyStore, Unsubscribe } from '../../bot/ports';
import { createCloudAdapter, type BotFrameworkCredentials } from './adapter';
import { createBotLogic } from './bot';
import { ConversationReferences } from './conversation-references';
import { startProactiveDelivery } from './proactive';
import type { BotFrameworkChannel } from './channel-shape';
import { botFrameworkEnabled, warnBotFrameworkDisabled } from './disabled';
import { createBotFrameworkRouter } from './router';

export interface BotFrameworkChannelDeps {
  engine: Engine;
  bus: EventBus;
  state: ConversationStateStore;
  idempotency: IdempotencyStore;
  logger: Logger;
  credentials: BotFrameworkCredentials;
  /** The tenant of a bot app id (territory `channels.botAppIds`), else the default territory. */
  tenantOfAppId(appId: string | undefined): string;
  /** Accept activities without a token when no app id is set (Emulator, development). */
  allowAnonymous?: boolean;
  /** Extra botbuilder settings (sovereign cloud endpoints; tests point key discovery at a local server). */
  authOverrides?: Record<string, string>;
  /** How long a conversation can be reached proactively after its last message. */
  referenceTtlSeconds?: number;
}

export type { BotFrameworkChannel };

export function createBotFrameworkChannel(deps: BotFrameworkChannelDeps): BotFrameworkChannel {
  const appId = deps.credentials.appId;
  const enabled = botFrameworkEnabled(appId, deps.allowAnonymous);
  if (!enabled) warnBotFrameworkDisabled(deps.logger);
  else if (!appId)
    deps.logger.warn(
      'Bot Framework channel accepts UNAUTHENTICATED activities (BOTFRAMEWORK_ALLOW_ANONYMOUS, development only)',
    );
  const adapter = createCloudAdapter(deps.credentials, deps.authOverrides);
  const references = new ConversationReferences(deps.state, deps.referenceTtlSeconds ?? 30 * 24 * 3600);
  // Teams addresses the bot as "28:<app id>"; the configured app id is the reliable one.
  const tenantOf = (activity: Partial<Activity>): string =>
    deps.tenantOfAppId(appId ?? activity.recipient?.id?.replace(/^28:/, ''));
  const logic = createBotLogic({ engine: deps.engine, tenantOf, references, logger: deps.logger });
  adapter.onTurnError = async (context, error) => {
    deps.logger.error('bot framework: turn failed', {
      channelId: context.activity.channelId,
      error: error instanceof Error ? error.message : String(error),
    });
  };
  let unsubscribe: Unsubscribe | undefined;
  return {
    enabled,
    router: createBotFrameworkRouter({ adapter, logic, enabled, logger: deps.logger }),
    async start() {
      if (!enabled || unsubscribe) return;
      unsubscribe = await startProactiveDelivery({
        bus: deps.bus,
        references,
        idempotency: deps.idempotency,
        logger: deps.logger,
        send: (reference, activities) =>
          adapter.continueConversationAsync(appId ?? '', reference, async (context) => {
            await context.sendActivities(activities);
          }),
      });
    },
    async close() {
      await unsubscribe?.();
      unsubscribe = undefined;
    },
  };
}
