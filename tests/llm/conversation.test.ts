// The language model inside real conversations (real container, nocked provider): a knowledge question
// on the web chat gets the grounded answer with our source link; with the provider failing, the same
// question gets the FAQ answer; a territory that did not opt in sends nothing; an unsure message is
// classified by the model, or gets the usual clarifying question when the model is unsure too.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import nock from 'nock';
import request from 'supertest';
import type { Container } from '../../server/container';
import { talk, type Talk } from '../support/conversation';
import { createTestContainer, REPO_ROOT } from '../support/harness';
import { ALBERT_URL, interceptChat, json, OPENAI } from './helpers';

const BIRTH_CERTIFICATE_URL = 'https://www.service-public.fr/particuliers/vosdroits/F1427';
const QUESTION = 'Comment obtenir une copie de mon acte de naissance ?';
const GROUNDED =
  'Faites la demande à la mairie de votre commune de naissance, en ligne ou au guichet : c’est gratuit.';

let container: Container;
let dir: string;

beforeAll(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1'); // supertest's own server
  // Two territories: the demo one opted in to the model, the fixture one did not.
  dir = mkdtempSync(path.join(tmpdir(), 'guichet-llm-'));
  const demo = path.join(dir, 'enabled', 'val-de-loue');
  cpSync(path.join(REPO_ROOT, 'knowledge/territories/val-de-loue'), demo, { recursive: true });
  const file = path.join(demo, 'territory.json');
  writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), llm: { enabled: true } }));
  container = await createTestContainer(
    {
      LLM_PROVIDER: 'openai-compatible',
      LLM_BASE_URL: `${ALBERT_URL}/v1`,
      LLM_API_KEY: 'test-key',
      LLM_MODEL: 'albert-large',
    },
    { territoryDirs: [path.join(dir, 'enabled'), path.join(REPO_ROOT, 'knowledge/fixtures/territories')] },
  );
});
afterEach(() => nock.cleanAll());
afterAll(async () => {
  await container.close();
  rmSync(dir, { recursive: true, force: true });
  nock.enableNetConnect();
});

/** Awaits a conversation script (Talk is a thenable of itself, which \`await\` cannot type). */
const run = (t: Talk): Promise<void> =>
  new Promise((resolve, reject) => {
    t.then(() => resolve(), reject);
  });
const post = (body: object) =>
  request(container.app).post('/channels/webchat/messages').send(body).expect(200);
const links = (messages: { type: string; url?: string; text?: string }[]) =>
  messages.filter((m) => m.type === 'link');

describe('knowledge answers with a language model', () => {
  it('answers a web chat question from the retrieved passages, with the source link appended by our code', async () => {
    const { bodies } = interceptChat(
      OPENAI,
      OPENAI.reply(json({ status: 'answered', answer: GROUNDED, sources: [1] })),
    );
    const res = await post({ text: QUESTION });
    const [answer] = links(res.body.messages);
    // The web chat typesets it (a no-break space before ":"), the words are the model's.
    expect(answer).toEqual({
      type: 'link',
      text: GROUNDED.replace(' :', '\u00a0:'),
      url: BIRTH_CERTIFICATE_URL,
    });
    // The passages sent are the FAQ's, with the question as data.
    const user = OPENAI.messagesOf(bodies[0])[1]!.content;
    expect(user).toContain('Demandez-le à la mairie de votre commune de naissance');
    expect(user).toContain(`<question>\n${QUESTION}\n</question>`);
  });

  it('gives the FAQ answer when the provider fails', async () => {
    interceptChat(OPENAI, [503, { error: { message: 'Service Unavailable' } }]);
    const res = await post({ text: QUESTION });
    const [answer] = links(res.body.messages);
    expect(answer?.url).toBe(BIRTH_CERTIFICATE_URL);
    expect(answer?.text).toMatch(
      /^Demandez-le à la mairie de votre commune de naissance, en ligne \(gratuit\) ou au guichet\./,
    );
  });

  it('gives the FAQ answer, not the generated one, when the model states a price the passages do not have', async () => {
    interceptChat(
      OPENAI,
      OPENAI.reply(
        json({ status: 'answered', answer: 'La copie coûte 12 € et arrive sous 48 h.', sources: [1] }),
      ),
    );
    const res = await post({ text: QUESTION });
    const text = JSON.stringify(res.body.messages);
    expect(text).not.toContain('12 €');
    expect(links(res.body.messages)[0]?.text).toMatch(/^Demandez-le à la mairie/);
  });

  it('says it does not know and offers an agent when the passages do not contain the answer', async () => {
    interceptChat(OPENAI, OPENAI.reply(json({ status: 'not_found', answer: '', sources: [] })));
    await run(
      talk(container.engine, { channel: 'webchat' })
        .send(QUESTION)
        .expectReply(/Je ne connais pas la réponse/)
        .expectChoices(/Parler à un agent/)
        .expectNoReply(BIRTH_CERTIFICATE_URL),
    );
  });

  it('sends nothing for a territory that did not opt in', async () => {
    const { scope } = interceptChat(
      OPENAI,
      OPENAI.reply(json({ status: 'answered', answer: 'Non.', sources: [1] })),
    );
    const res = await post({ tenant: 'autre', text: 'Comment refaire ma carte d’identité ?' });
    expect(scope.isDone()).toBe(false);
    expect(JSON.stringify(res.body.messages)).not.toContain('Non.');
  });

  it('keeps an SMS answer short, with the link', async () => {
    const long = `${GROUNDED} ${'Si vous êtes né à l’étranger, adressez-vous au service central d’état civil de Nantes. '.repeat(8)}`;
    interceptChat(OPENAI, OPENAI.reply(json({ status: 'answered', answer: long, sources: [1] })));
    await run(
      talk(container.engine, { channel: 'sms' })
        .send(QUESTION)
        .check((result) => {
          const answer = result.replies.find((r) => r.type === 'link');
          expect(answer).toMatchObject({ type: 'link', url: BIRTH_CERTIFICATE_URL });
          if (answer?.type !== 'link') return;
          expect(answer.text.startsWith(GROUNDED)).toBe(true);
          expect(`${answer.text} ${answer.url}`.length).toBeLessThanOrEqual(450);
        }),
    );
  });
});

describe('understanding an unsure message with a language model', () => {
  it('routes to the intent the model chose with confidence', async () => {
    const { bodies } = interceptChat(
      OPENAI,
      OPENAI.reply(json({ intent: 'opening_hours', confidence: 0.9 })),
    );
    await run(
      talk(container.engine, { channel: 'webchat' })
        .send('blorp zorg quux wibble')
        .expectReply(/De quel lieu voulez-vous les horaires/),
    );
    expect(OPENAI.messagesOf(bodies[0])[1]!.content).toBe('<message>\nblorp zorg quux wibble\n</message>');
  });

  it('asks its clarifying question when the model is unsure too', async () => {
    interceptChat(OPENAI, OPENAI.reply(json({ intent: 'opening_hours', confidence: 0.3 })));
    await run(
      talk(container.engine, { channel: 'webchat' })
        .send('blorp zorg quux wibble')
        .expectReply(/Je ne suis pas sûr d’avoir compris/),
    );
  });
});
