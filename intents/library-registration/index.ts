// Getting a library (médiathèque) card, for oneself or a family.
import { phrase } from '../../bot/i18n';
import type { IntentModule, ServiceDescription } from '../../bot/intent-module';
import { territoryOf, type IntentDeps } from '../deps';
import { answerProcedureQuestion } from '../common/procedure-questions';
import { libraryRegistrationForm } from './form';

export { LibraryRegistrationPayloadSchema, type LibraryRegistrationPayload } from './payload';

/** What this service declares (labels, help menu, digression, language-model meaning, README row). */
export const LIBRARY_REGISTRATION: ServiceDescription = {
  id: 'library_registration',
  intents: [
    {
      intent: 'library_registration',
      label: phrase('S’inscrire à la médiathèque', 'Get a library card'),
      meaning: 'getting a library card',
      helpMenu: true,
      digression: true,
    },
  ],
  records: {
    type: 'library_registration',
    label: phrase('Inscription à la médiathèque', 'Library registration'),
  },
  readme: {
    service: 'library registration',
    gets: 'adherent(s), a tariff per person from the territory and the total, contact, documents to bring',
  },
};

export function createLibraryRegistration(deps: IntentDeps): IntentModule {
  return {
    ...LIBRARY_REGISTRATION,
    forms: [libraryRegistrationForm(deps)],
    // The dialogue starts the form of the same name for this intent.
    async handle() {},
    // "c'est combien, l'inscription à la médiathèque ?": the price from the territory, then the offer to register.
    async answersQuestion(ctx) {
      return answerProcedureQuestion(
        ctx,
        territoryOf(deps, ctx),
        LIBRARY_REGISTRATION.id,
        `intent:${LIBRARY_REGISTRATION.intents[0]!.intent}`,
      );
    },
  };
}
