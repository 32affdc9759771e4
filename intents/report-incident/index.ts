// Reporting a problem in public space (pothole, broken street light, fly-tipping…), on any channel.
import { phrase } from '../../bot/i18n';
import type { IntentModule, ServiceDescription } from '../../bot/intent-module';
import type { IntentDeps } from '../deps';
import { CATEGORY_LABELS } from '../common/incident-categories';
import { reportIncidentForm } from './form';

export { ReportIncidentPayloadSchema, type ReportIncidentPayload } from './payload';
export { CATEGORY_LABELS, territoryCategories } from '../common/incident-categories';
export { DUPLICATE_RADIUS_M, geocodeAddress, placeOfPoint, type LocationValue } from './location';

/** What this service declares (labels, help menu, digression, language-model meaning, README row). */
export const REPORT_INCIDENT: ServiceDescription = {
  id: 'report_incident',
  intents: [
    {
      intent: 'report_incident',
      label: phrase('Signaler un problème sur la voie publique', 'Report a problem in a public space'),
      meaning: 'reporting a problem in public space (pothole, broken street light, litter, graffiti, leak…)',
      helpMenu: true,
    },
  ],
  records: {
    type: 'report_incident',
    label: phrase('Signalement', 'Incident report'),
    categories: CATEGORY_LABELS,
  },
  readme: {
    service: 'report an incident',
    gets: 'category, place (address text geocoded with the national address API, or a shared location), description, optional photo and contact; an open report of the same category within 50 m is offered instead of a duplicate (who follows it is told of its status changes); an address the API could not locate at the time (API down) is located later by the server; routed to the competent authority (e.g. waste → intercommunalité, roads → commune)',
  },
};

export function createReportIncident(deps: IntentDeps): IntentModule {
  const form = reportIncidentForm(deps);
  return {
    ...REPORT_INCIDENT,
    forms: [form],
    // The dialogue starts the form of the same name for this intent; nothing else to do here.
    async handle() {},
  };
}
