// Configuration, the FAQ as a LangChain retriever, and the "off by default" promise.
import nock from 'nock';
import { createLlmServices } from '../../adapters/llm';
import { FaqRetriever } from '../../knowledge/retrieval/langchain-retriever';
import { loadTerritories } from '../../knowledge/territory';
import { ConfigError, loadConfig } from '../../server/config';
import { REPO_ROOT } from '../support/harness';
import path from 'node:path';

describe('configuration', () => {
  it('has no language model unless one is configured', () => {
    const config = loadConfig({});
    expect(config.LLM_PROVIDER).toBe('none');
    expect(config.LLM_TIMEOUT_MS).toBe(8000);
    expect(
      createLlmServices({
        provider: 'none',
        timeoutMs: 8000,
        requestsPerMinute: 1,
        tokensPerDay: 1,
        policyOf: () => ({ enabled: true, sendPersonalData: true }),
      }),
    ).toBeUndefined();
  });

  it.each([
    [{ LLM_PROVIDER: 'openai-compatible', LLM_MODEL: 'albert-large' }, 'LLM_BASE_URL'],
    [{ LLM_PROVIDER: 'openai-compatible', LLM_BASE_URL: 'https://albert.example/v1' }, 'LLM_MODEL'],
    [{ LLM_PROVIDER: 'mistral' }, 'LLM_API_KEY'],
    [{ LLM_PROVIDER: 'ollama' }, 'LLM_MODEL'],
    [{ LLM_PROVIDER: 'gpt' }, 'LLM_PROVIDER'],
    [{ LLM_PROVIDER: 'mistral', LLM_API_KEY: 'k', LLM_TIMEOUT_MS: '30000' }, 'LLM_TIMEOUT_MS'],
  ])('refuses an incomplete provider configuration %j', (env, variable) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(new RegExp(variable));
  });

  it('accepts each provider', () => {
    expect(loadConfig({ LLM_PROVIDER: 'mistral', LLM_API_KEY: 'k' }).LLM_PROVIDER).toBe('mistral');
    expect(loadConfig({ LLM_PROVIDER: 'ollama', LLM_MODEL: 'llama3.2' }).LLM_MODEL).toBe('llama3.2');
    expect(
      loadConfig({
        LLM_PROVIDER: 'openai-compatible',
        LLM_BASE_URL: 'https://albert.api.etalab.gouv.fr/v1',
        LLM_MODEL: 'albert-large',
      }).LLM_BASE_URL,
    ).toBe('https://albert.api.etalab.gouv.fr/v1');
  });

  it('refuses to run the model while LangChain tracing would copy citizen messages to a third party', () => {
    const errors: string[] = [];
    const services = createLlmServices({
      provider: 'mistral',
      apiKey: 'k',
      timeoutMs: 8000,
      requestsPerMinute: 1,
      tokensPerDay: 1,
      policyOf: () => ({ enabled: true, sendPersonalData: false }),
      env: { LANGSMITH_TRACING: 'true' },
      logger: { info() {}, warn() {}, error: (msg) => errors.push(msg) },
    });
    expect(services).toBeUndefined();
    expect(errors[0]).toMatch(/LangSmith/);
  });
});

describe('the territory opt-in', () => {
  it('is off unless the territory file enables it', async () => {
    const territories = await loadTerritories([path.join(REPO_ROOT, 'knowledge/territories')]);
    const demo = territories.get('val-de-loue');
    expect(demo?.llm?.enabled ?? false).toBe(false);
  });
});

describe('FaqRetriever', () => {
  beforeAll(() => nock.disableNetConnect());
  afterAll(() => nock.enableNetConnect());

  it('returns LangChain documents with the source URL in the metadata, best first', async () => {
    const territories = await loadTerritories([path.join(REPO_ROOT, 'knowledge/territories')]);
    const faq = territories.get('val-de-loue')!.faq;
    const documents = await new FaqRetriever({ index: faq, k: 2 }).invoke(
      'Comment obtenir une copie de mon acte de naissance ?',
    );
    expect(documents[0]?.metadata).toMatchObject({
      id: 'acte-naissance',
      sourceUrl: 'https://www.service-public.fr/particuliers/vosdroits/F1427',
      title: 'Comment obtenir une copie de mon acte de naissance ?',
    });
    expect(documents[0]?.pageContent).toMatch(/^Demandez-le à la mairie/);
    expect(documents.length).toBeLessThanOrEqual(2);
    expect(await new FaqRetriever({ index: faq }).invoke('xylophone quantique')).toEqual([]);
  });
});
