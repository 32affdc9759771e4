// Optional language model providers (LangChain chat models) and the services built on them: the
// grounded-answer assistant and the engine's low-confidence classifier. LLM_PROVIDER=none (the
// default) builds nothing, and Guichet answers exactly as it does without a model.
import {
  LlmAssistant,
  MemoryLlmBudget,
  createLowConfidenceClassifier,
  type LlmBudget,
  type LlmPolicy,
} from '../../bot/llm';
import type { LowConfidenceClassifier } from '../../bot/llm';
import type { Logger } from '../../bot/logger';
import { silentLogger } from '../../bot/logger';
import type { LanguageModel } from '../../bot/ports/language-model';
import type { RedisClient } from '../redis';
import { LangChainLanguageModel } from './langchain-language-model';
import { createChatModelFactory, modelIdOf, type LlmProvider, type LlmProviderSettings } from './providers';
import { RedisLlmBudget } from './redis-budget';

export { LangChainLanguageModel, parseJsonObject } from './langchain-language-model';
export {
  boundFetch,
  createChatModelFactory,
  DEFAULT_MISTRAL_MODEL,
  DEFAULT_MISTRAL_URL,
  DEFAULT_OLLAMA_URL,
  LLM_PROVIDERS,
  LlmProviderSettingsSchema,
  type ChatModelFactory,
  type LlmProvider,
  type LlmProviderSettings,
} from './providers';
export { RedisLlmBudget, type RedisLlmBudgetOptions } from './redis-budget';
export { toLanguageModelError } from './errors';

export function createLanguageModel(settings: LlmProviderSettings): LanguageModel {
  return new LangChainLanguageModel(modelIdOf(settings), createChatModelFactory(settings));
}

export interface LlmServicesOptions {
  provider: LlmProvider;
  baseUrl?: string;
  apiKey?: string;
  model?: string;
  timeoutMs: number;
  requestsPerMinute: number;
  tokensPerDay: number;
  /** The project's Redis client: the budget is then shared by every instance. */
  redis?: RedisClient;
  keyPrefix?: string;
  policyOf(tenantId: string): LlmPolicy | undefined;
  logger?: Logger;
  clock?: () => Date;
  /** Tests inject a model; production builds it from the provider settings. */
  languageModel?: LanguageModel;
  env?: NodeJS.ProcessEnv;
}

export interface LlmServices {
  model: LanguageModel;
  assistant: LlmAssistant;
  lowConfidence: LowConfidenceClassifier;
}

const TRACING_VARIABLES = [
  'LANGSMITH_TRACING',
  'LANGSMITH_TRACING_V2',
  'LANGCHAIN_TRACING',
  'LANGCHAIN_TRACING_V2',
];

/** Undefined when no provider is configured, or when LangChain tracing would copy citizen messages to a third party. */
export function createLlmServices(options: LlmServicesOptions): LlmServices | undefined {
  if (options.provider === 'none') return undefined;
  const logger = options.logger ?? silentLogger;
  const env = options.env ?? process.env;
  const tracing = TRACING_VARIABLES.filter((v) => env[v] === 'true');
  if (tracing.length > 0) {
    logger.error('language model disabled: LangChain tracing would send citizen messages to LangSmith', {
      variables: tracing,
    });
    return undefined;
  }
  const model =
    options.languageModel ??
    createLanguageModel({
      provider: options.provider,
      baseUrl: options.baseUrl,
      apiKey: options.apiKey,
      model: options.model,
      timeoutMs: options.timeoutMs,
    } as LlmProviderSettings);
  const limits = { requestsPerMinute: options.requestsPerMinute, tokensPerDay: options.tokensPerDay };
  const budget: LlmBudget = options.redis
    ? new RedisLlmBudget({ client: options.redis, keyPrefix: options.keyPrefix, ...limits })
    : new MemoryLlmBudget(limits);
  const assistant = new LlmAssistant({
    model,
    budget,
    timeoutMs: options.timeoutMs,
    policyOf: options.policyOf,
    logger,
    clock: options.clock,
  });
  logger.info('language model configured', {
    model: model.id,
    budget: options.redis ? 'redis' : 'memory',
    ...limits,
  });
  return { model, assistant, lowConfidence: createLowConfidenceClassifier(assistant) };
}
