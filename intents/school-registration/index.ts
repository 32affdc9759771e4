// Enrolling a child in a public nursery or primary school of the commune.
import type { IntentModule } from '../../bot/intent-module';
import type { IntentDeps } from '../deps';
import { schoolRegistrationForm } from './form';

export { SchoolRegistrationPayloadSchema, type SchoolRegistrationPayload } from './payload';

export function createSchoolRegistration(deps: IntentDeps): IntentModule {
  return {
    id: 'school_registration',
    intents: ['school_registration'],
    forms: [schoolRegistrationForm(deps)],
    // The dialogue starts the form of the same name for this intent (its redirect handles collège/lycée).
    async handle() {},
  };
}
