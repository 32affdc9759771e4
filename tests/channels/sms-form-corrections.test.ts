// The clerk-like form over real SMS webhooks (signed, TwiML back): an address in parts, a correction right
// after it, a correction at the summary applied directly, and a form lost by a restart that the SMS names.
import nock from 'nock';
import type { Container } from '../../server/container';
import { stateKey } from '../../bot/engine';
import { DEMO_TENANT, createTestContainer } from '../support/harness';
import { TWILIO_ENV, messagesOf, mobile, postSigned, smsParams } from './twilio-helpers';

const PATH = '/channels/twilio/sms';
// Late November: registrations are for the rentrée 2027 (a child born in 2021 enters CP).
const NOW = new Date('2026-11-30T09:00:00Z');

let container: Container;
beforeAll(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect(/127\.0\.0\.1|localhost/);
  container = await createTestContainer(TWILIO_ENV, { clock: () => NOW });
});
afterAll(async () => {
  await container.close();
  nock.cleanAll();
  nock.enableNetConnect();
});

async function sms(from: string, body: string): Promise<string> {
  const res = await postSigned(container.app, PATH, smsParams({ From: from, Body: body })).expect(200);
  return messagesOf(res.text).join('\n');
}

describe('a school registration by SMS', () => {
  it('keeps every part of the address and applies corrections where they belong', async () => {
    const from = mobile();
    await sms(from, 'je voudrais inscrire mon fils à l’école');
    await sms(from, 'Hugo Petit');
    await sms(from, '01/02/2021');
    expect(await sms(from, 'CP')).toMatch(/Quelle est votre adresse/);
    expect(await sms(from, '2 grande rue st ambreuil')).toMatch(
      /C'est noté : 2 Grande Rue, Saint-Ambreuil\.\n.*responsable légal/,
    );
    expect(await sms(from, 'non c’est au 14')).toMatch(
      /C'est noté : 14 Grande Rue, Saint-Ambreuil\.\n.*responsable légal/,
    );
    await sms(from, 'Anne Petit');
    expect(await sms(from, 'anne.petit@example.fr')).toMatch(/Récapitulatif/);
    const corrected = await sms(from, 'non, c’est rue Pasteur, au numéro 5');
    expect(corrected).toMatch(/C'est noté : 5 rue Pasteur, Saint-Ambreuil\./);
    expect(corrected).not.toMatch(/Que voulez-vous corriger/);
    expect(await sms(from, 'oui')).toMatch(/enregistrée sous la référence DEM-/);
  });

  it('after a restart that lost the state, "annuler" says the request was interrupted', async () => {
    const from = mobile();
    await sms(from, 'je voudrais inscrire mon fils à l’école');
    expect(await sms(from, 'Hugo Petit')).toMatch(/date de naissance/);
    // What a restart does to in-memory state: the conversation's state is gone, its transcript is not.
    const conversation = await container.store.findConversation({
      tenantId: DEMO_TENANT,
      channel: 'sms',
      address: from,
    });
    await container.state.delete(stateKey(conversation!.id));
    const answer = await sms(from, 'annuler');
    expect(answer).toMatch(/Votre demande en cours \(l'inscription scolaire\) a été interrompue/);
    expect(answer).not.toMatch(/Il n'y a rien en cours/);
  });
});
