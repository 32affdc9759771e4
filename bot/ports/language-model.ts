// An optional language model (LLM) behind a small port: the core builds fixed prompts and validates
// every output; adapters/llm implements it with LangChain chat models. Guichet works fully without one.
import type { z } from 'zod';

export interface LanguageModelMessage {
  role: 'user' | 'assistant';
  content: string;
}

export interface LanguageModelUsage {
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
}

export interface GenerateRequest {
  /** Fixed instructions written by our code; never contains citizen text. */
  system: string;
  /** Data (citizen text, passages) already redacted and wrapped in delimiters by the caller. */
  messages: LanguageModelMessage[];
  maxTokens: number;
  /** Aborting it (timeout, shutdown) must end the call at once with a LanguageModelError('aborted'|'timeout'). */
  signal: AbortSignal;
}

export interface GenerateResult {
  text: string;
  usage: LanguageModelUsage;
}

export interface StructuredRequest<T> extends GenerateRequest {
  /** The output must be one JSON object valid for this schema; anything else is 'invalid_output'. */
  schema: z.ZodType<T>;
}

export interface StructuredResult<T> {
  value: T;
  usage: LanguageModelUsage;
}

export const LANGUAGE_MODEL_ERRORS = [
  'aborted',
  'rate_limited',
  'unavailable',
  'invalid_output',
  'rejected',
] as const;
export type LanguageModelErrorKind = (typeof LANGUAGE_MODEL_ERRORS)[number];

/** Every failure of a provider call, reduced to what the caller can act on (all of them mean: answer without the model). */
export class LanguageModelError extends Error {
  constructor(
    readonly kind: LanguageModelErrorKind,
    message: string,
    /** Tokens spent before the failure (an invalid output still costs its tokens). */
    readonly usage?: LanguageModelUsage,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'LanguageModelError';
  }
}

export const isLanguageModelError = (e: unknown): e is LanguageModelError => e instanceof LanguageModelError;

export interface LanguageModel {
  /** Provider and model, for logs ("mistral:mistral-small-latest"). */
  readonly id: string;
  generate(request: GenerateRequest): Promise<GenerateResult>;
  /** Structured output (classification, grounded answer), validated with zod. */
  generateStructured<T>(request: StructuredRequest<T>): Promise<StructuredResult<T>>;
}
