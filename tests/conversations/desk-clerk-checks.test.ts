// The clerk's checks of the school and library registrations on the agent's screen (bot/forms/form-runner.ts):
// the same slots as the conversation, so a class that does not fit the year of birth asks the agent to confirm
// it, the guardian's name is required, a family gets a tariff field per person and the summary its total.
import { runForm, type FormRun } from '../../bot/forms/form-runner';
import type { FormDefinition } from '../../bot/forms/form-definition';
import { createNlu } from '../../bot/nlu';
import { readState } from '../../bot/state';
import { TurnContext } from '../../bot/turn-context';
import { createIntents } from '../../intents';
import type { Container } from '../../server/container';
import { tenantDirectory } from '../../server/tenants';
import { NOW, withClosedNetworkContainer } from './helpers';
import { ApiAdresseGeocoder } from '../../adapters/geocoder';

let container: Container;
withClosedNetworkContainer((c) => (container = c));
const nlu = createNlu({ warmUp: false });

function formOf(name: string): FormDefinition {
  const intents = createIntents({
    territories: container.territories,
    geocoder: new ApiAdresseGeocoder({ baseUrl: 'http://127.0.0.1:9', timeoutMs: 100 }),
  });
  const form = intents.modules.flatMap((m) => m.forms ?? []).find((f) => f.name === name);
  if (!form) throw new Error(`No form ${name}`);
  return form;
}

function deskContext(): TurnContext {
  const tenant = tenantDirectory(container.territories).get('val-de-loue')!;
  return new TurnContext(
    { tenantId: tenant.id, channel: 'desk', address: 'desk-test', text: '' },
    tenant,
    {
      id: 'desk',
      tenantId: tenant.id,
      channel: 'desk',
      address: 'desk-test',
      contactId: 'c',
      owner: 'agent',
      status: 'open',
      agentId: null,
      createdAt: NOW,
      updatedAt: NOW,
    },
    readState(undefined),
    NOW,
    container.store,
  );
}

const run = (form: string, fields: Record<string, string>): Promise<FormRun> =>
  runForm(formOf(form), fields, { ctx: deskContext(), nlu });

const SCHOOL = {
  child: 'Jade Leroy',
  birthDate: '15/02/2021',
  level: 'level:cp',
  address: '3 rue du Moulin',
  guardian: 'Sophie Leroy',
  parentContact: '06 12 34 56 78',
};

describe('desk: school registration', () => {
  it('asks the agent to confirm a class that does not fit the year of birth, with the bot’s question', async () => {
    const first = await run('school_registration', SCHOOL);
    expect(first.ok).toBe(false);
    if (first.ok) return;
    expect(first.errors.levelCheck).toBe('Ce champ est obligatoire.');
    const check = first.fields.find((f) => f.name === 'levelCheck');
    expect(check?.prompt).toMatch(/Avec une naissance en 2021, Jade entre normalement en Grande section/);
    expect(check?.choices?.map((c) => c.label)).toEqual([
      'Oui, maintenir CP',
      'Inscrire en Grande section',
      'Corriger la date de naissance',
    ]);

    const kept = await run('school_registration', { ...SCHOOL, levelCheck: 'level-check:keep' });
    expect(kept.ok).toBe(true);
    if (!kept.ok) return;
    expect(kept.summary).toContainEqual({
      label: 'Classe hors âge',
      value: 'CP demandé malgré l’âge (dérogation)',
    });
  });

  it('needs no confirmation when the class fits, and requires the guardian’s name', async () => {
    const fits = await run('school_registration', { ...SCHOOL, level: 'level:gs', guardian: '' });
    expect(fits.ok).toBe(false);
    if (fits.ok) return;
    expect(fits.errors).toEqual({ guardian: 'Ce champ est obligatoire.' });
    expect(fits.fields.map((f) => f.name)).not.toContain('levelCheck');
  });

  it('reads the address in parts, as in a conversation', async () => {
    const result = await run('school_registration', {
      ...SCHOOL,
      level: 'level:gs',
      address: '2 grande rue st ambreuil',
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.summary).toContainEqual({ label: 'Adresse', value: '2 Grande Rue, Saint-Ambreuil' });
  });
});

describe('desk: library registration', () => {
  it('has a tariff field per person and the total in the summary', async () => {
    const fields = {
      adherents: 'Marie Durand, Léo Durand',
      pricing: 'pricing:1',
      contact: 'marie@example.fr',
    };
    const first = await run('library_registration', fields);
    expect(first.ok).toBe(false);
    if (first.ok) return;
    expect(first.errors).toEqual({ pricing2: 'Ce champ est obligatoire.' });
    expect(first.fields.find((f) => f.name === 'pricing2')).toMatchObject({
      label: 'Tarif de Léo Durand',
      prompt: 'Quel tarif pour Léo Durand ? (personne 2 sur 2)',
    });

    const filled = await run('library_registration', { ...fields, pricing2: 'pricing:0' });
    expect(filled.ok).toBe(true);
    if (!filled.ok) return;
    expect(filled.summary).toEqual(
      expect.arrayContaining([
        { label: 'Tarif de Marie Durand', value: 'Adulte habitant le Val de Loue (12 € par an)' },
        { label: 'Total', value: '12 € par an' },
      ]),
    );
  });
});
