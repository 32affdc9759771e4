// "Je veux parler à quelqu'un": the conversation joins the agents' queue with a summary, and the
// citizen is told honestly when someone will answer.
import { phrase } from '../../bot/i18n';
import type { IntentModule } from '../../bot/intent-module';
import { territoryOf, type IntentDeps } from '../deps';

export function createHumanAgent(deps: IntentDeps): IntentModule {
  return {
    id: 'human_agent',
    intents: ['human_agent'],
    async handle(ctx) {
      const territory = territoryOf(deps, ctx);
      ctx.effects.conversation.owner = 'queue';
      ctx.effects.outbox.push({
        kind: 'conversation.handover',
        payload: {
          tenantId: territory.id,
          conversationId: ctx.conversation.id,
          channel: ctx.message.channel,
          summary: {
            lastIntents: ctx.state.recentIntents,
            form: ctx.state.form ? { name: ctx.state.form.name, values: ctx.state.form.values } : null,
            lastMessage: ctx.message.text.slice(0, 500),
          },
        },
        dedupeKey: `handover:${ctx.conversation.id}:${ctx.now.getTime()}`,
      });
      ctx.state.form = null;
      ctx.reply({
        type: 'handover',
        state: ctx.message.channel === 'voice' ? 'transfer' : 'queued',
        transferTo: ctx.message.channel === 'voice' ? territory.agents.phone : undefined,
        text: ctx.t(
          phrase(
            'Je transmets votre demande à un agent, qui va vous répondre ici. Merci de patienter.',
            'I am passing your request to a person, who will answer you here. Please wait.',
          ),
        ),
      });
    },
  };
}
