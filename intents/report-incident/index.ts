// Reporting a problem in public space (pothole, broken street light, fly-tipping…), on any channel.
import type { IntentModule } from '../../bot/intent-module';
import type { IntentDeps } from '../deps';
import { reportIncidentForm } from './form';

export { ReportIncidentPayloadSchema, type ReportIncidentPayload } from './payload';
export { CATEGORY_LABELS, territoryCategories } from '../shared/incident-categories';
export { DUPLICATE_RADIUS_M } from './location';

export function createReportIncident(deps: IntentDeps): IntentModule {
  const form = reportIncidentForm(deps);
  return {
    id: 'report_incident',
    intents: ['report_incident'],
    forms: [form],
    // The dialogue starts the form of the same name for this intent; nothing else to do here.
    async handle() {},
  };
}
