// The toy birth-certificate form (fixtures/birth-certificate) filled in one go, as an agent's screen would:
// the same slots, validators and schema as the conversation of add-a-public-service.test.ts, so the rule
// refusing a future birth date ("dans le futur") is seen by both.
import { describeForm, runForm } from '../../bot/forms/form-runner';
import { createNlu } from '../../bot/nlu';
import type { SharedStore } from '../../bot/ports';
import { readState } from '../../bot/state';
import { TurnContext } from '../../bot/turn-context';
import { TEST_TENANT } from '../support/engine-harness';
import { createBirthCertificate } from './fixtures/birth-certificate';

const NOW = new Date('2026-03-12T10:00:00Z');
const form = createBirthCertificate('test').forms![0]!;
const nlu = createNlu({ warmUp: false });

/** The agent's side of the desk: no conversation store is touched by validation. */
function deskContext(locale: 'fr' | 'en' = 'fr'): TurnContext {
  const state = readState(undefined);
  state.locale = locale;
  return new TurnContext(
    { tenantId: TEST_TENANT.id, channel: 'webchat', address: 'desk-test', text: '' },
    TEST_TENANT,
    {
      id: 'desk',
      tenantId: TEST_TENANT.id,
      channel: 'webchat',
      address: 'desk-test',
      contactId: 'c',
      owner: 'agent',
      status: 'open',
      agentId: null,
      createdAt: NOW,
      updatedAt: NOW,
    },
    state,
    NOW,
    {} as SharedStore,
  );
}

describe('form runner (agent screen)', () => {
  it('describes the fields with French labels and hints', () => {
    expect(describeForm(form, deskContext())).toEqual([
      expect.objectContaining({ name: 'person', label: 'Personne', optional: false }),
      expect.objectContaining({
        name: 'birthDate',
        label: 'Date de naissance',
        hint: expect.stringMatching(/jour\/mois\/année/),
      }),
      expect.objectContaining({ name: 'contact', label: 'Contact' }),
    ]);
  });

  it('normalises a full set of values and gives the summary and payload', async () => {
    const run = await runForm(
      form,
      { person: 'MARTIN Lucas', birthDate: '12/03/2021', contact: '06 12 34 56 78' },
      { ctx: deskContext(), nlu },
    );
    expect(run).toEqual({
      ok: true,
      values: expect.any(Object),
      summary: [
        { label: 'Personne', value: 'Lucas Martin' },
        { label: 'Date de naissance', value: '12/03/2021' },
        { label: 'Contact', value: '06 12 34 56 78' },
      ],
      payload: {
        person: { firstName: 'Lucas', lastName: 'Martin' },
        birthDate: '2021-03-12',
        contact: { kind: 'phone', value: '+33612345678' },
      },
    });
  });

  it('answers every wrong field with the conversation’s own French message', async () => {
    const run = await runForm(
      form,
      { person: 'au fait c’est ouvert quand ?', birthDate: '12/03/2031', contact: '' },
      { ctx: deskContext(), nlu },
    );
    expect(run).toEqual({
      ok: false,
      errors: {
        person: expect.stringMatching(/prénom puis le nom/),
        birthDate: expect.stringMatching(/dans le futur/),
        contact: 'Ce champ est obligatoire.',
      },
      fields: describeForm(form, deskContext()),
    });
  });

  it('speaks the reader’s language', async () => {
    const run = await runForm(
      form,
      { person: 'Lucas Martin', birthDate: 'demain', contact: 'x' },
      { ctx: deskContext('en'), nlu },
    );
    expect(run.ok).toBe(false);
    if (!run.ok) expect(run.errors.birthDate).toMatch(/future/);
  });
});
