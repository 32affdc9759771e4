// LangChain chat models for each supported provider, built per call so that every HTTP request of the
// call is bound to the call's AbortSignal (timeout, shutdown) whatever the provider client does with it.
// Retries are off: a slow or failing provider means "answer without the model", not "wait longer".
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { ChatMistralAI } from '@langchain/mistralai';
import { ChatOllama } from '@langchain/ollama';
import { ChatOpenAICompletions } from '@langchain/openai';
import { z } from 'zod';

export const LLM_PROVIDERS = ['none', 'openai-compatible', 'mistral', 'ollama'] as const;
export type LlmProvider = (typeof LLM_PROVIDERS)[number];

export const DEFAULT_MISTRAL_URL = 'https://api.mistral.ai';
export const DEFAULT_MISTRAL_MODEL = 'mistral-small-latest';
export const DEFAULT_OLLAMA_URL = 'http://localhost:11434';

export const LlmProviderSettingsSchema = z.discriminatedUnion('provider', [
  z.object({
    provider: z.literal('openai-compatible'),
    /** Including the version path: https://albert.api.etalab.gouv.fr/v1, http://vllm:8000/v1 */
    baseUrl: z.url(),
    apiKey: z.string().min(1).optional(),
    model: z.string().min(1),
    timeoutMs: z.number().int().positive(),
  }),
  z.object({
    provider: z.literal('mistral'),
    baseUrl: z.url().default(DEFAULT_MISTRAL_URL),
    apiKey: z.string().min(1),
    model: z.string().min(1).default(DEFAULT_MISTRAL_MODEL),
    timeoutMs: z.number().int().positive(),
  }),
  z.object({
    provider: z.literal('ollama'),
    baseUrl: z.url().default(DEFAULT_OLLAMA_URL),
    /** Only for an Ollama behind an authenticating proxy (sent as a Bearer token). */
    apiKey: z.string().min(1).optional(),
    model: z.string().min(1),
    timeoutMs: z.number().int().positive(),
  }),
]);
export type LlmProviderSettings = z.input<typeof LlmProviderSettingsSchema>;

export interface ChatModelCall {
  signal: AbortSignal;
  maxTokens: number;
  /** Ask for a JSON object where the provider has a portable switch for it (Ollama's `format`). */
  json: boolean;
}

/** Builds the chat model for one call. */
export type ChatModelFactory = (call: ChatModelCall) => BaseChatModel;

type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** fetch whose requests also end when `signal` aborts (combined with the client's own signal, if any). */
export function boundFetch(signal: AbortSignal): FetchLike {
  return (input, init) => {
    const own = init?.signal ?? (input instanceof Request ? input.signal : undefined);
    // Read globalThis.fetch per call: interceptors (nock in tests, proxies) patch it after load.
    return globalThis.fetch(input, { ...init, signal: own ? AbortSignal.any([own, signal]) : signal });
  };
}

/** Trailing "/" and, for clients that add their own version path, a trailing "/v1". */
const trimUrl = (url: string, dropV1: boolean): string => {
  const trimmed = url.replace(/\/+$/, '');
  return dropV1 ? trimmed.replace(/\/v1$/, '') : trimmed;
};

export function createChatModelFactory(input: LlmProviderSettings): ChatModelFactory {
  const settings = LlmProviderSettingsSchema.parse(input);
  const common = { temperature: 0, maxRetries: 0 };
  switch (settings.provider) {
    case 'openai-compatible':
      return ({ signal, maxTokens }) =>
        // The chat completions API explicitly: ChatOpenAI may switch some model names to OpenAI's
        // Responses API, which OpenAI-compatible servers (Albert, vLLM, Ollama /v1) do not offer.
        new ChatOpenAICompletions({
          ...common,
          model: settings.model,
          // Some self-hosted servers (vLLM, Ollama /v1) need no key; the client insists on one.
          apiKey: settings.apiKey ?? 'not-needed',
          maxTokens,
          timeout: settings.timeoutMs,
          configuration: { baseURL: trimUrl(settings.baseUrl, false), fetch: boundFetch(signal) },
        });
    case 'mistral':
      return ({ signal, maxTokens }) =>
        new ChatMistralAI({
          ...common,
          model: settings.model,
          apiKey: settings.apiKey,
          maxTokens,
          serverURL: trimUrl(settings.baseUrl, true),
          // The Mistral client does not take a signal per call: attach ours to the request itself.
          beforeRequestHooks: [
            (request: Request) => new Request(request, { signal: AbortSignal.any([request.signal, signal]) }),
          ],
        });
    case 'ollama':
      return ({ signal, maxTokens, json }) =>
        new ChatOllama({
          ...common,
          model: settings.model,
          baseUrl: trimUrl(settings.baseUrl, true),
          numPredict: maxTokens,
          format: json ? 'json' : undefined,
          headers: settings.apiKey ? { Authorization: `Bearer ${settings.apiKey}` } : undefined,
          fetch: boundFetch(signal) as typeof fetch,
        });
  }
}

export const modelIdOf = (input: LlmProviderSettings): string => {
  const settings = LlmProviderSettingsSchema.parse(input);
  return `${settings.provider}:${settings.model}`;
};
