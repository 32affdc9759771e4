// Enrolling a child in a public nursery or primary school of the commune.
import { phrase } from '../../bot/i18n';
import type { IntentModule, ServiceDescription } from '../../bot/intent-module';
import type { IntentDeps } from '../deps';
import { schoolRegistrationForm } from './form';

export { SchoolRegistrationPayloadSchema, type SchoolRegistrationPayload } from './payload';

/** What this service declares (labels, help menu, digression, language-model meaning, README row). */
export const SCHOOL_REGISTRATION: ServiceDescription = {
  id: 'school_registration',
  intents: [
    {
      intent: 'school_registration',
      label: phrase('Inscrire un enfant à l’école', 'Register a child at school'),
      meaning: 'enrolling a child in a public nursery or primary school of the commune',
      helpMenu: true,
      digression: true,
    },
  ],
  records: { type: 'school_registration', label: phrase('Inscription scolaire', 'School registration') },
  readme: {
    service: 'school registration',
    gets: "child's name and birth date, level (checked against the year of birth at the next rentrée; an exception is confirmed), address (school sector), parent or guardian's name and contact, documents to bring; collège / lycée explained and redirected",
  },
};

export function createSchoolRegistration(deps: IntentDeps): IntentModule {
  return {
    ...SCHOOL_REGISTRATION,
    forms: [schoolRegistrationForm(deps)],
    // The dialogue starts the form of the same name for this intent (its redirect handles collège/lycée).
    async handle() {},
  };
}
