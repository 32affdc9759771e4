// Nock fixtures for the three provider HTTP APIs: OpenAI-compatible /v1/chat/completions (Albert, vLLM…),
// Mistral https://api.mistral.ai/v1/chat/completions, Ollama /api/chat (NDJSON stream).
import nock from 'nock';
import type { LlmProviderSettings } from '../../adapters/llm';

export interface ProviderCase {
  name: string;
  settings: LlmProviderSettings;
  origin: string;
  path: string;
  /** A successful reply carrying `content`, in the provider's format. */
  reply(
    content: string,
    finish?: string,
  ): [number, string | Record<string, unknown>, Record<string, string>?];
  /** The user/system messages as sent in the request body. */
  messagesOf(body: unknown): { role: string; content: string }[];
}

const openAiReply = (content: string, finish = 'stop'): [number, Record<string, unknown>] => [
  200,
  {
    id: 'cmpl-test',
    object: 'chat.completion',
    created: 1767225600,
    model: 'test-model',
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: finish }],
    usage: { prompt_tokens: 120, completion_tokens: 30, total_tokens: 150 },
  },
];

const messagesOf = (body: unknown): { role: string; content: string }[] =>
  (body as { messages: { role: string; content: string }[] }).messages;

export const ALBERT_URL = 'https://albert.test.gouv.fr';

export const PROVIDERS: ProviderCase[] = [
  {
    name: 'openai-compatible (Albert, vLLM)',
    settings: {
      provider: 'openai-compatible',
      baseUrl: `${ALBERT_URL}/v1`,
      apiKey: 'albert-key',
      model: 'albert-large',
      timeoutMs: 8000,
    },
    origin: ALBERT_URL,
    path: '/v1/chat/completions',
    reply: openAiReply,
    messagesOf,
  },
  {
    name: 'mistral',
    settings: { provider: 'mistral', apiKey: 'mistral-key', timeoutMs: 8000 },
    origin: 'https://api.mistral.ai',
    path: '/v1/chat/completions',
    reply: openAiReply,
    messagesOf,
  },
  {
    name: 'ollama',
    settings: { provider: 'ollama', baseUrl: 'http://localhost:11434', model: 'llama3.2', timeoutMs: 8000 },
    origin: 'http://localhost:11434',
    path: '/api/chat',
    reply: (content, finish = 'stop') => [
      200,
      `${JSON.stringify({
        model: 'llama3.2',
        created_at: '2026-01-01T00:00:00Z',
        message: { role: 'assistant', content },
        done: true,
        done_reason: finish,
        prompt_eval_count: 120,
        eval_count: 30,
      })}\n`,
      { 'Content-Type': 'application/x-ndjson' },
    ],
    messagesOf,
  },
];

export const OPENAI = PROVIDERS[0]!;

/** Intercepts one chat call and records its body and headers. */
export function interceptChat(
  provider: ProviderCase,
  reply: [number, string | Record<string, unknown>, Record<string, string>?],
  options: { delayMs?: number } = {},
): { scope: nock.Scope; bodies: unknown[]; headers: Record<string, string | string[]>[] } {
  const bodies: unknown[] = [];
  const headers: Record<string, string | string[]>[] = [];
  const interceptor = nock(provider.origin)
    .post(provider.path, (body: unknown) => {
      bodies.push(body);
      return true;
    })
    .delay(options.delayMs ?? 0);
  const scope = interceptor.reply(function (this: nock.ReplyFnContext) {
    headers.push(this.req.headers);
    return [reply[0], reply[1], reply[2] ?? {}];
  });
  return { scope, bodies, headers };
}

export const json = (value: unknown): string => JSON.stringify(value);
