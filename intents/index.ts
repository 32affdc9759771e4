// The public services the assistant offers: one folder per service, one registration line below. Labels,
// help menu (in this order), digressions, language-model meanings and the README services table derive
// from this list.
import { IntentCatalog, type FallbackModule, type IntentModule } from '../bot/intent-module';
import type { IntentDeps } from './deps';
import { createHumanAgent } from './human-agent';
import { createKnowledge } from './knowledge';
import { createOpeningHours } from './opening-hours';
import { createLibraryRegistration } from './library-registration';
import { createReportIncident } from './report-incident';
import { createRequestStatus } from './request-status';
import { createSatisfaction } from './satisfaction';
import { createSchoolRegistration } from './school-registration';
import { createSmallTalk, greetingReply } from './small-talk';
import type { Locale } from '../bot/i18n';
import type { Reply } from '../bot/messages';

export type { IntentDeps } from './deps';

export interface IntentSet {
  modules: IntentModule[];
  fallback?: FallbackModule;
  /** The greeting with the services as choices, for a channel that greets before the first message. */
  greeting(territoryName: string, locale: Locale): Reply;
}

export function createIntents(deps: IntentDeps): IntentSet {
  const knowledge = createKnowledge(deps);
  // Read when a menu is shown, so every module registered below is in it.
  const helpMenu = () => catalog.helpMenu;
  const modules: IntentModule[] = [
    createOpeningHours(deps),
    createReportIncident(deps),
    createRequestStatus(deps),
    createSchoolRegistration(deps),
    createLibraryRegistration(deps),
    knowledge.module,
    createHumanAgent(deps),
    createSatisfaction(),
    createSmallTalk(deps, helpMenu),
  ];
  const catalog = new IntentCatalog(modules);
  return {
    modules,
    fallback: knowledge.fallback,
    greeting: (territoryName, locale) => greetingReply(territoryName, helpMenu, locale),
  };
}
