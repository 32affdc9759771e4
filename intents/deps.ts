// What intent modules need from the outside, given by the composition root. Intents read territory
// content through the provider on every turn (hot reload), and reach external services through ports.
import type { TerritoryProvider, Territory } from '../knowledge/territory';
import type { TurnContext } from '../bot/turn-context';
import type { Geocoder } from '../bot/ports/geocoder';
import { GuichetError } from '../bot/errors';
import type { LlmAssistant } from '../bot/llm';

export interface IntentDeps {
  territories: TerritoryProvider;
  /** Street address → coordinates + commune (reports); may be slow or down, callers degrade. */
  geocoder: Geocoder;
  /** Optional language model (LLM_PROVIDER + the territory's `llm.enabled`); absent, every answer is deterministic. */
  llm?: LlmAssistant;
}

export function territoryOf(deps: IntentDeps, ctx: TurnContext): Territory {
  const territory = deps.territories.current().get(ctx.tenant.id);
  if (!territory) throw new GuichetError('NOT_FOUND', `Unknown territory ${ctx.tenant.id}`);
  return territory;
}
