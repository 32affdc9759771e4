// Channel-neutral guardrails around the optional language model (see bot/ports/language-model.ts).
export {
  LlmAssistant,
  FALLBACK_REASONS,
  type AnswerInput,
  type AnswerOutcome,
  type ClassifyInput,
  type FallbackReason,
  type KnowledgePassage,
  type LlmAssistantOptions,
  type LlmPolicy,
} from './assistant';
export { MemoryLlmBudget, dayWindow, minuteWindow, type LlmBudget, type LlmBudgetLimits } from './budget';
export {
  answerLimitFor,
  cleanGeneratedText,
  factsIn,
  fitToLimit,
  leaksInstructions,
  unsupportedFacts,
  type AnswerLimit,
  type Fact,
  type FactKind,
} from './grounding';
export { createLowConfidenceClassifier, type LowConfidenceClassifier } from './intent-hook';
export {
  answerMessages,
  answerSystemPrompt,
  classifySystemPrompt,
  classifyMessages,
  GroundedAnswerSchema,
  IntentClassificationSchema,
  intentClassificationSchema,
  neutralize,
  type GroundedAnswer,
  type IntentClassification,
  type IntentMeaning,
  type PromptPassage,
} from './prompts';
export { redactPersonalData, REDACTION_KINDS, type Redacted, type RedactionKind } from './redact';
