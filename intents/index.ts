// The public services the assistant offers: one module per service.
import type { FallbackModule, IntentModule } from '../bot/intent-module';
import type { IntentDeps } from './deps';
import { createHumanAgent } from './human-agent';
import { createKnowledge } from './knowledge';
import { createOpeningHours } from './opening-hours';
import { createReportIncident } from './report-incident';
import { createSmallTalk } from './small-talk';

export type { IntentDeps } from './deps';

export interface IntentCatalog {
  modules: IntentModule[];
  fallback?: FallbackModule;
}

export function createIntents(deps: IntentDeps): IntentCatalog {
  const knowledge = createKnowledge(deps);
  return {
    modules: [createSmallTalk(deps), createHumanAgent(deps), createOpeningHours(deps), knowledge.module, createReportIncident(deps)],
    fallback: knowledge.fallback,
  };
}
