// The turn logic botbuilder runs for each authenticated activity: convert, remember where to answer,
// run the engine, send the replies back (as replies to the incoming activity).
import { TurnContext, type Activity } from 'botbuilder';
import type { Engine } from '../../bot/engine';
import { isGuichetError } from '../../bot/errors';
import type { Logger } from '../../bot/logger';
import type { Reply } from '../../bot/messages';
import { answerTurn } from '../../bot/turn-answer';
import type { ConversationReferences } from './conversation-references';
import { activityToIncoming, repliesToActivities } from './convert';

export interface BotLogicDeps {
  engine: Engine;
  /** The tenant an activity is for (the bot app id names the territory; else the default one). */
  tenantOf(activity: Partial<Activity>): string;
  references?: ConversationReferences;
  logger: Logger;
}

export function createBotLogic(deps: BotLogicDeps): (context: TurnContext) => Promise<void> {
  return async (context) => {
    const activity = context.activity;
    const tenantId = deps.tenantOf(activity);
    const incoming = activityToIncoming(activity, tenantId);
    if (!incoming) return;
    if (deps.references) {
      await deps.references
        .save(tenantId, incoming.address, TurnContext.getConversationReference(activity))
        .catch((error: unknown) =>
          deps.logger.warn('bot framework: conversation reference not saved', { error: String(error) }),
        );
    }
    let replies: Reply[];
    const answer = await answerTurn(deps.engine, incoming);
    if (answer.kind === 'replies') {
      // A redelivered activity: its replies already went to the connector with the first delivery
      // (unlike a webhook answer, nothing is lost by not sending them again).
      if (answer.result.replayed) return;
      replies = answer.result.replies;
    } else if (answer.kind === 'failed' && answer.unavailable) {
      // Store or state down: still a useful answer (the counter's phone number and hours).
      replies = answer.replies;
    } else if (
      answer.kind === 'failed' &&
      isGuichetError(answer.error) &&
      answer.error.code === 'BAD_REQUEST'
    ) {
      deps.logger.warn('bot framework: activity refused by the engine', { error: answer.error.message });
      return;
    } else {
      throw answer.kind === 'failed' ? answer.error : new Error('No answer');
    }
    const activities = repliesToActivities(replies, activity.channelId);
    if (activities.length > 0) await context.sendActivities(activities);
  };
}
