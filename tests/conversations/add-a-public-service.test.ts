// Proof of docs/add-a-public-service.md: a toy service (a birth certificate request) kept in its own folder
// (fixtures/birth-certificate) is registered and answers a conversation, its labels, help menu entry and
// language-model meaning derived from its description, with no other file of the project edited for it.
import { IntentCatalog } from '../../bot/intent-module';
import { classifySystemPrompt } from '../../bot/llm';
import { createNlu } from '../../bot/nlu';
import { createIntents, type IntentDeps } from '../../intents';
import { talk } from '../support/conversation';
import { createEngineHarness, TEST_TENANT, type EngineHarness } from '../support/engine-harness';
import { BIRTH_CERTIFICATE, createBirthCertificate, TRAINING_DIR } from './fixtures/birth-certificate';

const NOW = new Date('2026-03-12T10:00:00Z');

let h: EngineHarness;
beforeAll(async () => {
  const nlu = createNlu({ warmUp: false, extraTrainingDirs: [TRAINING_DIR] });
  h = await createEngineHarness([createBirthCertificate('test')], undefined, { nlu });
});
afterAll(() => h.close());

describe('adding a public service (docs/add-a-public-service.md)', () => {
  it('the NLU learns its intent from its training files alone', () => {
    const nlu = createNlu({ warmUp: false, extraTrainingDirs: [TRAINING_DIR] });
    const result = nlu.analyze('bonjour je voudrais une copie de mon acte de naissance', {
      now: NOW,
      timeZone: 'Europe/Paris',
    });
    expect(result.intent).toBe('birth_certificate');
  });

  it('runs its form from the first message to the recorded request', async () => {
    const t = talk(h.engine, { tenantId: TEST_TENANT.id, now: NOW });
    await t
      .send('je voudrais un acte de naissance')
      .expectReply(/Je vais enregistrer votre demande d’acte de naissance/)
      .expectReply(/Pour qui est l’acte/)
      .send('Lucas Martin')
      .expectReply(/date de naissance/)
      .send('12/03/2031')
      .expectReply(/dans le futur/)
      .send('12/03/2021')
      .expectReply(/Comment vous joindre/)
      .send('06 12 34 56 78')
      .expectReply(/Lucas Martin/)
      .expectReply(/12\/03\/2021/)
      .send('oui')
      .expectReply(/demande d’acte de naissance est enregistrée sous la référence DEM-\d{4}-[0-9A-Z]{6}/);
    const reference = /DEM-\d{4}-[0-9A-Z]{6}/.exec(t.lastText())![0];
    const stored = await h.store.getRequestByReference(TEST_TENANT.id, reference);
    expect(stored?.type).toBe('birth_certificate');
    expect(stored?.payload).toMatchObject({
      person: { firstName: 'Lucas', lastName: 'Martin' },
      birthDate: '2021-03-12',
      contact: { kind: 'phone', value: '+33612345678' },
    });
  });

  it('appears in the help menu and in the language model’s choices once registered', () => {
    // Modules only read their dependencies when a turn runs.
    const registered = createIntents({} as IntentDeps).modules;
    const catalog = new IntentCatalog([...registered, BIRTH_CERTIFICATE]);
    expect(catalog.helpMenu.map((d) => d.label.fr)).toContain('Demander un acte de naissance');
    expect(catalog.mayDigress('birth_certificate')).toBe(false);
    expect(classifySystemPrompt(catalog.intents)).toContain(
      '- birth_certificate: requesting a copy of a birth certificate',
    );
  });
});
