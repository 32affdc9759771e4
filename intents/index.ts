// The public services the assistant offers: one module per service.
import type { FallbackModule, IntentModule } from '../bot/intent-module';
import type { IntentDeps } from './deps';
import { createHumanAgent } from './human-agent';
import { createKnowledge } from './knowledge';
import { createOpeningHours } from './opening-hours';
import { createLibraryRegistration } from './library-registration';
import { createReportIncident } from './report-incident';
import { createRequestStatus } from './request-status';
import { createSchoolRegistration } from './school-registration';
import { createSmallTalk } from './small-talk';

export type { IntentDeps } from './deps';

export interface IntentCatalog {
  modules: IntentModule[];
  fallback?: FallbackModule;
}

export function createIntents(deps: IntentDeps): IntentCatalog {
  const knowledge = createKnowledge(deps);
  return {
    modules: [
      createSmallTalk(deps),
      createHumanAgent(deps),
      createOpeningHours(deps),
      knowledge.module,
      createReportIncident(deps),
      createSchoolRegistration(deps),
      createLibraryRegistration(deps),
      createRequestStatus(deps),
    ],
    fallback: knowledge.fallback,
  };
}
