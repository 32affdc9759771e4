// Getting a library (médiathèque) card, for oneself or a family.
import type { IntentModule } from '../../bot/intent-module';
import type { IntentDeps } from '../deps';
import { libraryRegistrationForm } from './form';

export { LibraryRegistrationPayloadSchema, type LibraryRegistrationPayload } from './payload';

export function createLibraryRegistration(deps: IntentDeps): IntentModule {
  return {
    id: 'library_registration',
    intents: ['library_registration'],
    forms: [libraryRegistrationForm(deps)],
    // The dialogue starts the form of the same name for this intent.
    async handle() {},
  };
}
