// One form definition, two faces: the toy birth-certificate service (fixtures/birth-certificate) filled in a
// conversation and at the town hall's counter (backoffice/desk/intake.ts). A validation rule added to its
// slot changes both at once, in the same words; the desk records the request with the channel 'desk', the
// agent who filed it, and the bot's own confirmation, sent by SMS to the number given — where the citizen's
// later texts find the request.
import { createDeskIntake, type DeskIntake } from '../../backoffice/desk/intake';
import { phrase } from '../../bot/i18n';
import { createNlu } from '../../bot/nlu';
import { registerBuiltInChannels } from '../../channels/built-in';
import { talk } from '../support/conversation';
import { createEngineHarness, TEST_TENANT, type EngineHarness } from '../support/engine-harness';
import { createBirthCertificate, TRAINING_DIR } from './fixtures/birth-certificate';

const NOW = new Date('2026-03-12T10:00:00Z');

const service = createBirthCertificate('etat-civil');
const form = service.forms![0]!;
// The rule under test, added once to the slot's definition: civil status registers older than 1900 are
// kept by the departmental archives, not by the commune.
const birthDate = form.slots.find((s) => s.name === 'birthDate')!;
const baseValidate = birthDate.validate!;
birthDate.validate = (value, ctx) =>
  typeof value === 'string' && value < '1900-01-01'
    ? phrase(
        'Avant 1900, les registres sont aux Archives départementales.',
        'Before 1900, the registers are at the departmental archives.',
      )
    : baseValidate(value, ctx);

let h: EngineHarness;
let desk: DeskIntake;
beforeAll(async () => {
  registerBuiltInChannels();
  const nlu = createNlu({ warmUp: false, extraTrainingDirs: [TRAINING_DIR] });
  h = await createEngineHarness([service], undefined, { nlu });
  desk = createDeskIntake({
    forms: [{ form, label: service.records!.label }],
    nlu,
    store: h.store,
    tenants: { get: (id) => (id === TEST_TENANT.id ? TEST_TENANT : undefined) },
    optedOut: () => Promise.resolve(false),
    clock: () => NOW,
  });
});
afterAll(() => h.close());

const fields = { person: 'Lucas Martin', birthDate: '12/03/1850', contact: '06 12 34 56 78' };

describe('desk intake: the bot’s form on an agent’s screen', () => {
  it('offers the service with the slots’ own labels, questions and hints', () => {
    const [offered] = desk.services(TEST_TENANT.id);
    expect(offered).toMatchObject({ id: 'birth_certificate', label: 'Acte de naissance' });
    expect(offered?.fields.map((f) => [f.name, f.label])).toEqual([
      ['person', 'Personne'],
      ['birthDate', 'Date de naissance'],
      ['contact', 'Contact'],
    ]);
    expect(offered?.fields[0]?.prompt).toBe('Pour qui est l’acte ? Donnez le prénom et le nom.');
  });

  it('a rule added to the slot refuses the same date, in the same words, in the chat and at the desk', async () => {
    const t = talk(h.engine, { tenantId: TEST_TENANT.id, now: NOW });
    await t
      .send('je voudrais un acte de naissance')
      .expectReply(/Pour qui est l’acte/)
      .send('Lucas Martin')
      .expectReply(/date de naissance/)
      .send('12/03/1850')
      .expectReply('Avant 1900, les registres sont aux Archives départementales.');
    const checked = await desk.check(TEST_TENANT.id, {
      service: 'birth_certificate',
      channel: 'desk',
      fields,
    });
    expect(checked).toMatchObject({
      ok: false,
      errors: { birthDate: 'Avant 1900, les registres sont aux Archives départementales.' },
    });
    const filed = await desk.file(
      TEST_TENANT.id,
      { service: 'birth_certificate', channel: 'desk', fields },
      'agent:a1',
    );
    expect(filed).toMatchObject({ ok: false });
  });

  it('files at the counter with the bot’s confirmation, the agent on record and an SMS receipt', async () => {
    const filed = await desk.file(
      TEST_TENANT.id,
      { service: 'birth_certificate', channel: 'desk', fields: { ...fields, birthDate: '12/03/2021' } },
      'agent:a1',
    );
    if ('ok' in filed) throw new Error(JSON.stringify(filed.errors));
    expect(filed.confirmation).toEqual([
      `Votre demande d’acte de naissance est enregistrée sous la référence ${filed.reference}.`,
    ]);
    expect(filed.sms).toBe('queued');
    const stored = await h.store.getRequestByReference(TEST_TENANT.id, filed.reference);
    expect(stored).toMatchObject({ channel: 'desk', payload: { birthDate: '2021-03-12' } });
    expect(stored?.events[0]).toMatchObject({ status: 'received', actor: 'agent:a1' });

    // The receipt is an SMS in the conversation of that number: a later text from it reaches the same contact.
    const sms = await h.store.findConversation({
      tenantId: TEST_TENANT.id,
      channel: 'sms',
      address: '+33612345678',
    });
    expect(sms?.contactId).toBe(stored?.contactId);
  });
});
