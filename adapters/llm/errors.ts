// Provider clients fail in their own ways (OpenAI APIError.status, Mistral SDKError.statusCode, Ollama
// ResponseError.status_code, fetch AbortError); the port only knows a few kinds the caller can act on.
import { LanguageModelError, type LanguageModelUsage } from '../../bot/ports/language-model';

const statusOf = (error: unknown): number | undefined => {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as Record<string, unknown>;
  const response = e.response as Record<string, unknown> | undefined;
  for (const v of [e.status, e.statusCode, e.status_code, response?.status])
    if (typeof v === 'number') return v;
  return undefined;
};

const isAbort = (error: unknown): boolean =>
  error instanceof Error &&
  (error.name === 'AbortError' || error.name === 'APIUserAbortError' || error.name === 'TimeoutError');

export function toLanguageModelError(
  error: unknown,
  signal: AbortSignal,
  usage?: LanguageModelUsage,
): LanguageModelError {
  if (error instanceof LanguageModelError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (signal.aborted || isAbort(error))
    return new LanguageModelError('aborted', 'The language model call was aborted', usage, { cause: error });
  const status = statusOf(error);
  if (status === 429)
    return new LanguageModelError('rate_limited', `Provider rate limit: ${message}`, usage, { cause: error });
  if (status !== undefined && status >= 400 && status < 500) {
    return new LanguageModelError('rejected', `Provider refused the request (${status}): ${message}`, usage, {
      cause: error,
    });
  }
  return new LanguageModelError(
    'unavailable',
    `Provider unavailable${status ? ` (${status})` : ''}: ${message}`,
    usage,
    { cause: error },
  );
}
