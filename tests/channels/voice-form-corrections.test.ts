// The clerk-like form on the phone (Twilio voice webhooks, speech recognised with good confidence): an address
// in parts, a correction right after it, a correction at the summary applied directly.
import nock from 'nock';
import type { Container } from '../../server/container';
import { createTestContainer } from '../support/harness';
import { TWILIO_ENV, gatherAction, mobile, postSigned, sid, spokenOf, voiceParams } from './twilio-helpers';

const PATH = '/channels/twilio/voice';
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

/** One call, each answer posted to the last <Gather>'s action as Twilio does; returns what is said back. */
function call() {
  const callSid = sid('CA');
  const from = mobile();
  let twiml = '';
  const post = async (path: string, extra: Record<string, string> = {}) => {
    const res = await postSigned(container.app, path, voiceParams(callSid, from, extra)).expect(200);
    twiml = res.text;
    return spokenOf(res.text);
  };
  return {
    start: () => post(PATH),
    say: (speech: string) => post(gatherAction(twiml), { SpeechResult: speech, Confidence: '0.93' }),
  };
}

describe('a school registration on the phone', () => {
  it('keeps every part of the address and applies corrections where they belong', async () => {
    const c = call();
    await c.start();
    expect(await c.say('je voudrais inscrire mon fils à l’école')).toMatch(/prénom et le nom de l’enfant/);
    await c.say('Hugo Petit');
    await c.say('1er février 2021');
    expect(await c.say('CP')).toMatch(/Quelle est votre adresse/);
    expect(await c.say('2 grande rue saint ambreuil')).toMatch(
      /C’est noté : 2 Grande Rue, Saint-Ambreuil\..*responsable légal/,
    );
    expect(await c.say('non c’est au 14')).toMatch(
      /C’est noté : 14 Grande Rue, Saint-Ambreuil\..*responsable légal/,
    );
    await c.say('Anne Petit');
    expect(await c.say('anne.petit@example.fr')).toMatch(/Adresse : 14 Grande Rue, Saint-Ambreuil/);
    const corrected = await c.say('non c’est rue Pasteur au numéro 5');
    expect(corrected).toMatch(/Adresse : 5 rue Pasteur, Saint-Ambreuil/);
    expect(corrected).not.toMatch(/Que voulez-vous corriger/);
  });
});
