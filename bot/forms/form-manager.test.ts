// The form manager, through the real engine and NLU, on a small declared procedure (a pothole report
// reduced to category + address + an optional phone), so its behaviour is tested apart from any service.
import { z } from 'zod';
import { phrase } from '../i18n';
import type { IntentModule } from '../intent-module';
import type { FormDefinition } from './form-definition';
import { correctionBody } from './form-manager';
import { createEngineHarness, TEST_TENANT, type EngineHarness } from '../../tests/support/engine-harness';
import { talk } from '../../tests/support/conversation';

const reportForm: FormDefinition = {
  name: 'report_incident',
  intro: phrase('Je vais enregistrer votre signalement.', 'I will record your report.'),
  title: phrase('votre signalement', 'your report'),
  schema: z.object({ category: z.string(), address: z.string().min(5), phone: z.string().optional() }),
  slots: [
    {
      name: 'category',
      label: phrase('Problème', 'Problem'),
      prompt: phrase('Quel est le problème ?', 'What is the problem?'),
      hint: phrase('Choisissez : voirie, éclairage ou propreté.', 'Choose: road, lighting or cleanliness.'),
      extract: ({ entities }) => entities.find((e) => e.type === 'category')?.value,
      choices: () => [
        { label: 'Voirie', value: 'voirie' },
        { label: 'Éclairage', value: 'eclairage' },
      ],
    },
    {
      name: 'address',
      label: phrase('Adresse', 'Address'),
      prompt: phrase('À quelle adresse ?', 'At what address?'),
      hint: phrase(
        'Donnez un numéro et une rue, par exemple « 12 rue des Lilas ».',
        'Give a number and a street, e.g. "12 rue des Lilas".',
      ),
      extract: ({ entities, text, asked }) =>
        entities.find((e) => e.type === 'address')?.value ?? (asked ? text.trim() : undefined),
      validate: (v) =>
        typeof v === 'string' && /\b(rue|avenue|place|chemin|route|boulevard|impasse|allée)\b/i.test(v)
          ? null
          : phrase(
              'Je n’ai pas reconnu une adresse : indiquez la rue, par exemple « 12 rue des Lilas ».',
              'I did not recognise an address: give the street, e.g. "12 rue des Lilas".',
            ),
    },
    {
      name: 'phone',
      label: phrase('Téléphone', 'Phone'),
      optional: true,
      prompt: phrase(
        'Un numéro pour vous tenir informé ? (ou « non »)',
        'A phone number to keep you informed? (or "no")',
      ),
      hint: phrase(
        'Donnez un numéro comme 06 12 34 56 78, ou répondez « non ».',
        'Give a number like 06 12 34 56 78, or answer "no".',
      ),
      extract: ({ entities }) => entities.find((e) => e.type === 'phone')?.value,
    },
  ],
  async submit(ctx, payload) {
    const reference = await ctx.createRequest({
      type: 'report_incident',
      authorityId: 'test',
      payload: payload as Record<string, unknown>,
    });
    ctx.text(`Signalement enregistré sous la référence ${reference}.`);
  },
};

const reportModule: IntentModule = {
  id: 'report_incident',
  intents: [{ intent: 'report_incident', label: phrase('Signaler', 'Report'), meaning: 'reporting' }],
  forms: [reportForm],
  handle: async () => undefined,
};
const hoursModule: IntentModule = {
  id: 'opening_hours',
  intents: [
    { intent: 'opening_hours', label: phrase('Horaires', 'Hours'), meaning: 'hours', digression: true },
  ],
  handle: async (ctx) => ctx.text('La déchetterie ouvre à 9 h.'),
};

let h: EngineHarness;
beforeAll(async () => {
  h = await createEngineHarness([reportModule, hoursModule]);
});
afterAll(() => h.close());

const convo = () => talk(h.engine, { tenantId: TEST_TENANT.id });

describe('forms', () => {
  it('fills several slots from one message and asks only for what is missing', async () => {
    await convo()
      .send('il y a un nid de poule devant le 12 rue des Lilas')
      .expectReply(/Je vais enregistrer votre signalement/)
      .expectReply(/12 rue des Lilas/)
      .expectNoReply(/Quel est le problème/)
      .expectReply(/Un numéro pour vous tenir informé/);
  });

  it('shows a summary and asks for confirmation before anything is submitted', async () => {
    const t = convo()
      .send('je veux signaler un lampadaire en panne')
      .expectReply(/À quelle adresse/);
    await t
      .send('3 avenue de la Gare')
      .expectReply(/Un numéro/)
      .send('non')
      .expectReply(/Récapitulatif/)
      .expectReply(/Est-ce correct/)
      .expectNoReply(/DEM-/);
    await t.send('oui').expectReply(/enregistré sous la référence DEM-\d{4}-[0-9A-Z]{6}/);
    const reference = /DEM-\d{4}-[0-9A-Z]{6}/.exec(t.lastText())![0];
    const stored = await h.store.getRequestByReference(TEST_TENANT.id, reference);
    expect(stored).toMatchObject({
      type: 'report_incident',
      status: 'received',
      payload: { category: 'eclairage', address: '3 avenue de la Gare' },
    });
  });

  it('re-asks with a specific hint after an invalid answer, never the same sentence twice', async () => {
    const t = convo()
      .send('je veux signaler un nid de poule')
      .expectReply(/À quelle adresse/);
    await t.send('près de chez moi').expectReply(/Je n’ai pas reconnu une adresse/);
    const first = t.lastText();
    await t.send('là-bas').expectReply(/Désolé, je n’ai toujours pas compris/);
    expect(t.lastText()).not.toBe(first);
    await t.send('toujours pas').expectReply(/parler à un agent, ou annuler/);
  });

  it('accepts a correction at the confirmation ("non, c’est rue Pasteur")', async () => {
    const t = convo()
      .send('nid de poule au 12 rue des Lilas')
      .send('non')
      .expectReply(/Récapitulatif/);
    await t
      .send('non, c’est 4 rue Pasteur')
      .expectReply(/4 rue Pasteur/)
      .expectReply(/Est-ce correct/)
      .expectNoReply(/rue des Lilas/);
    await t.send('oui').expectReply(/DEM-/);
  });

  it('lets the citizen pick the slot to correct after a plain "non"', async () => {
    await convo()
      .send('nid de poule au 12 rue des Lilas')
      .send('non')
      .send('non')
      .expectReply(/Que voulez-vous corriger/)
      .choose('Adresse')
      .expectReply(/À quelle adresse/)
      .send('8 place du Marché')
      .expectReply(/8 place du Marché/)
      .expectReply(/Est-ce correct/);
  });

  it('cancels at any step, and nothing is stored', async () => {
    const t = convo()
      .send('je veux signaler un nid de poule')
      .send('annuler')
      .expectReply(/annulé, rien n’a été enregistré/);
    await t.send('bonjour').expectNoReply(/adresse/i);
  });

  it('gives help about the current question without losing the form', async () => {
    await convo()
      .send('je veux signaler un nid de poule')
      .send('aide')
      .expectReply(/votre signalement/)
      .expectReply(/annuler/)
      .send('12 rue des Lilas')
      .expectReply(/12 rue des Lilas/);
  });

  it('answers a digression, then resumes the form where it was, saying so', async () => {
    await convo()
      .send('je veux signaler un nid de poule')
      .expectReply(/À quelle adresse/)
      .send('au fait la déchetterie ouvre quand ?')
      .expectReply(/La déchetterie ouvre à 9 h/)
      .expectReply(/Reprenons votre signalement/)
      .expectReply(/À quelle adresse/)
      .send('12 rue des Lilas')
      .expectReply(/Un numéro/);
  });

  it('selects a numbered choice typed as a digit', async () => {
    await convo()
      .send('je veux faire un signalement')
      .expectReply(/Quel est le problème/)
      .send('2')
      .expectReply(/Éclairage|À quelle adresse/);
  });
});

describe('correctionBody', () => {
  it.each([
    ['non, c’est rue Pasteur, au numéro 5', 'rue Pasteur, au numéro 5'],
    ['non c’est au 14', 'au 14'],
    ['non c est au 14', 'au 14'],
    ['Non. C’est au 3 bis', 'au 3 bis'],
    ['pardon, il s’appelle Léo Martin', 'Léo Martin'],
    ['en fait c’est 06 12 34 56 78', '06 12 34 56 78'],
    ['non, Paul a moins de 18 ans', 'Paul a moins de 18 ans'],
    ['ce n’est pas le 12, c’est le 14', 'le 14'],
  ])('%s → %s', (text, body) => {
    expect(correctionBody(text)).toBe(body);
  });

  it.each(['non', 'non merci', 'oui', 'rue Pasteur', 'passer'])('%s is no correction', (text) => {
    expect(correctionBody(text)).toBeUndefined();
  });
});
