// Each provider's real HTTP API (nocked): success, timeout, 429, 5xx and malformed output all reach the
// caller as the port's result or a LanguageModelError it can act on. No test reaches a real provider.
import nock from 'nock';
import { z } from 'zod';
import { createLanguageModel } from '../../adapters/llm';
import { isLanguageModelError, type LanguageModelErrorKind } from '../../bot/ports/language-model';
import { intentClassificationSchema } from '../../bot/llm';
import { interceptChat, json, PROVIDERS } from './helpers';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

const request = (signal: AbortSignal = new AbortController().signal) => ({
  system: 'You classify messages.',
  messages: [{ role: 'user' as const, content: '<message>\nje veux signaler un trou\n</message>' }],
  maxTokens: 100,
  signal,
  schema: intentClassificationSchema(['greeting', 'report_incident', 'opening_hours']),
});

async function failureKind(promise: Promise<unknown>): Promise<LanguageModelErrorKind | 'no error'> {
  try {
    await promise;
    return 'no error';
  } catch (error) {
    if (!isLanguageModelError(error)) throw error;
    return error.kind;
  }
}

describe.each(PROVIDERS)('$name', (provider) => {
  const model = () => createLanguageModel(provider.settings);

  it('sends the fixed system prompt and the data message, and returns the validated structured output with usage', async () => {
    const { scope, bodies, headers } = interceptChat(
      provider,
      provider.reply(json({ intent: 'report_incident', confidence: 0.92 })),
    );
    const result = await model().generateStructured(request());
    expect(result.value).toEqual({ intent: 'report_incident', confidence: 0.92 });
    expect(result.usage.totalTokens).toBe(150);
    expect(scope.isDone()).toBe(true);
    expect(provider.messagesOf(bodies[0])).toEqual([
      { role: 'system', content: 'You classify messages.' },
      { role: 'user', content: '<message>\nje veux signaler un trou\n</message>' },
    ]);
    if (provider.settings.apiKey)
      expect(headers[0]?.authorization).toBe(`Bearer ${provider.settings.apiKey}`);
  });

  it('returns plain text from generate()', async () => {
    interceptChat(provider, provider.reply('Bonjour.'));
    const result = await model().generate(request());
    expect(result.text).toBe('Bonjour.');
  });

  it('ends the HTTP call when the signal aborts (a slow provider never delays the citizen)', async () => {
    // Without a real abort, the delayed success below would resolve and the test would see 'no error'.
    interceptChat(provider, provider.reply(json({ intent: 'greeting', confidence: 0.9 })), { delayMs: 2000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    expect(await failureKind(model().generateStructured(request(controller.signal)))).toBe('aborted');
  });

  it('reports a 429 as rate_limited, without retrying', async () => {
    const { scope } = interceptChat(provider, [429, { error: { message: 'Too many requests' } }]);
    const retry = interceptChat(provider, provider.reply(json({ intent: 'greeting', confidence: 0.9 })));
    expect(await failureKind(model().generateStructured(request()))).toBe('rate_limited');
    expect(scope.isDone()).toBe(true);
    expect(retry.scope.isDone()).toBe(false);
  });

  it('reports a 5xx as unavailable', async () => {
    interceptChat(provider, [503, { error: { message: 'Service Unavailable' } }]);
    expect(await failureKind(model().generateStructured(request()))).toBe('unavailable');
  });

  it.each([
    ['prose instead of JSON', 'Bien sûr ! Vous voulez signaler un problème.'],
    ['an unknown intent', json({ intent: 'order_pizza', confidence: 0.99 })],
    ['a confidence out of range', json({ intent: 'greeting', confidence: 7 })],
    ['truncated JSON', '{"intent": "report_inc'],
  ])('rejects malformed output (%s) as invalid_output', async (_label, content) => {
    interceptChat(provider, provider.reply(content));
    expect(await failureKind(model().generateStructured(request()))).toBe('invalid_output');
  });

  it('rejects an output cut at the token limit, even if it happens to parse', async () => {
    interceptChat(provider, provider.reply(json({ intent: 'greeting', confidence: 0.9 }), 'length'));
    expect(await failureKind(model().generateStructured(request()))).toBe('invalid_output');
  });
});

describe('structured output parsing', () => {
  it('accepts a JSON object inside a code fence or a sentence', async () => {
    const provider = PROVIDERS[0]!;
    interceptChat(provider, provider.reply('Voici :\n```json\n{"intent": "help", "confidence": 0.8}\n```'));
    const result = await createLanguageModel(provider.settings).generateStructured({
      ...request(),
      schema: z.object({ intent: z.string(), confidence: z.number() }),
    });
    expect(result.value).toEqual({ intent: 'help', confidence: 0.8 });
  });
});
