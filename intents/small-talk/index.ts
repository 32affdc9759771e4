// Greeting, help, goodbye and cancel-with-nothing-to-cancel: short, and always pointing to what the
// assistant can do, as choices.
import { INTENT_LABELS } from '../../bot/dialogue';
import { phrase } from '../../bot/i18n';
import type { IntentModule } from '../../bot/intent-module';
import type { Intent } from '../../bot/nlu/types';
import type { TurnContext } from '../../bot/turn-context';
import { territoryOf, type IntentDeps } from '../deps';

const MENU: Intent[] = [
  'opening_hours',
  'report_incident',
  'request_status',
  'school_registration',
  'library_registration',
  'human_agent',
];

export function helpChoices(ctx: TurnContext) {
  return MENU.map((intent) => ({ label: ctx.t(INTENT_LABELS[intent]), value: `intent:${intent}` }));
}

export function createSmallTalk(deps: IntentDeps): IntentModule {
  return {
    id: 'small_talk',
    intents: ['greeting', 'help', 'goodbye', 'cancel'],
    async handle(ctx) {
      const territory = territoryOf(deps, ctx);
      switch (ctx.nlu.intent) {
        case 'greeting':
          ctx.choices(
            phrase(
              `Bonjour ! Je suis l’assistant de ${territory.name}. Je peux vous aider pour :`,
              `Hello! I am the assistant of ${territory.name}. I can help you with:`,
            ),
            helpChoices(ctx),
          );
          if (ctx.state.noticeShown) ctx.text(territory.notice.shortText);
          return;
        case 'help':
          ctx.choices(
            phrase(
              'Je peux donner les horaires des services, enregistrer un signalement, une inscription à l’école ou à la médiathèque, suivre une demande, répondre à vos questions ou vous passer un agent. Que souhaitez-vous ?',
              'I can give opening hours, record a report, a school or library registration, follow up a request, answer your questions or put you through to a person. What would you like?',
            ),
            helpChoices(ctx),
          );
          return;
        case 'goodbye':
          ctx.reply({
            type: 'end',
            text: ctx.t(phrase('Merci, bonne journée ! À bientôt.', 'Thank you, have a nice day! Goodbye.')),
          });
          return;
        default:
          ctx.choices(
            phrase(
              'Il n’y a rien en cours à annuler. Que puis-je faire pour vous ?',
              'There is nothing in progress to cancel. What can I do for you?',
            ),
            helpChoices(ctx),
          );
      }
    },
  };
}
