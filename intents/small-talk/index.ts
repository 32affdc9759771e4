// Greeting, help, goodbye and cancel-with-nothing-to-cancel: short, and always pointing to what the
// assistant can do, as choices.
import { ofName } from '../../bot/french';
import { phrase, say, type Locale, type Phrase } from '../../bot/i18n';
import type { Reply } from '../../bot/messages';
import type { IntentDescription, IntentModule, ServiceDescription } from '../../bot/intent-module';
import type { TurnContext } from '../../bot/turn-context';
import { territoryOf, type IntentDeps } from '../deps';

/** The help menu: the registered services that declare `helpMenu`, in registration order (intents/index.ts). */
export type HelpMenu = () => readonly IntentDescription[];

/** What this service declares (labels, help menu, digression, language-model meaning, README row). */
export const SMALL_TALK: ServiceDescription = {
  id: 'small_talk',
  intents: [
    {
      intent: 'greeting',
      label: phrase('Dire bonjour', 'Say hello'),
      meaning: 'hello',
      notAQuestion: true,
    },
    {
      intent: 'help',
      label: phrase('Aide', 'Help'),
      meaning: 'asking what the assistant can do',
      notAQuestion: true,
    },
    {
      intent: 'goodbye',
      label: phrase('Terminer', 'End'),
      meaning: 'thanks or goodbye',
      notAQuestion: true,
    },
    {
      intent: 'cancel',
      label: phrase('Annuler', 'Cancel'),
      meaning: 'stopping the current procedure',
      notAQuestion: true,
    },
  ],
};

const greetingText = (territoryName: string): Phrase =>
  phrase(
    `Bonjour ! Je suis l’assistant ${ofName(territoryName)}. Je peux vous aider pour :`,
    `Hello! I am the assistant of ${territoryName}. I can help you with:`,
  );

const menuChoices = (helpMenu: HelpMenu, locale: Locale) =>
  helpMenu().map((d) => ({ label: say(d.label, locale), value: `intent:${d.intent}` }));

/** What "bonjour" answers, also shown by the web chat as soon as its panel opens (before any message). */
export function greetingReply(territoryName: string, helpMenu: HelpMenu, locale: Locale): Reply {
  return {
    type: 'choices',
    text: say(greetingText(territoryName), locale),
    choices: menuChoices(helpMenu, locale),
  };
}

export function createSmallTalk(deps: IntentDeps, helpMenu: HelpMenu): IntentModule {
  const helpChoices = (ctx: TurnContext) => menuChoices(helpMenu, ctx.locale);
  return {
    ...SMALL_TALK,
    async handle(ctx) {
      const territory = territoryOf(deps, ctx);
      switch (ctx.nlu.intent) {
        case 'greeting':
          ctx.choices(greetingText(territory.name), helpChoices(ctx));
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
