// The engine's low-confidence hook: when the NLU is unsure, the language model (if the territory opted
// in) may classify the message into one of the registered services' intents. Its answer is only used when it is
// valid JSON, names a known intent and states enough confidence; otherwise the dialogue asks its
// clarifying question as it does without a model.
import type { Intent } from '../nlu/types';
import type { TurnContext } from '../turn-context';
import type { LlmAssistant } from './assistant';
import type { IntentMeaning } from './prompts';

export type LowConfidenceClassifier = (
  ctx: TurnContext,
  intents: readonly IntentMeaning[],
) => Promise<{ intent: Intent; confidence: number } | undefined>;

/** Too little to classify: a bare number, "ok", an emoji. */
const TOO_SHORT = /^[\s\d\p{P}\p{S}]*$|^\s*\S{1,3}\s*$/u;

export function createLowConfidenceClassifier(assistant: LlmAssistant): LowConfidenceClassifier {
  return async (ctx, intents) => {
    const text = ctx.message.text;
    if (TOO_SHORT.test(text) || !assistant.enabledFor(ctx.tenant.id)) return undefined;
    return assistant.classifyIntent({ tenantId: ctx.tenant.id, text, intents, turn: ctx });
  };
}
