// The phone line through the real Twilio voice webhooks (issue 19, point 5): a date said in words is the
// date asked ("le premier mai", not the 7-day summary), a date follow-up keeps the place, and "maintenant"
// is the live status. (The other recovery scripts run on the voice medium in tests/conversations/recovery.)
import nock from 'nock';
import type { Container } from '../../server/container';
import { createTestContainer } from '../support/harness';
import { TWILIO_ENV, gatherAction, mobile, postSigned, sid, spokenOf, voiceParams } from './twilio-helpers';

const PATH = '/channels/twilio/voice';
/** Saturday 5 December 2026, 10:30 in Paris: the déchetterie is open until 12 h. */
const SATURDAY_1030 = new Date('2026-12-05T09:30:00Z');

let container: Container;
beforeAll(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect(/127\.0\.0\.1|localhost/);
  container = await createTestContainer(TWILIO_ENV, { clock: () => SATURDAY_1030 });
});
afterAll(async () => {
  await container.close();
  nock.cleanAll();
  nock.enableNetConnect();
});

/** One call, each answer posted to the last <Gather>'s action, as Twilio does; returns what is said. */
async function call(): Promise<(speech: string) => Promise<string>> {
  const callSid = sid('CA');
  const from = mobile();
  let twiml = (await postSigned(container.app, PATH, voiceParams(callSid, from)).expect(200)).text;
  return async (speech) => {
    const extra = { SpeechResult: speech, Confidence: '0.92' };
    twiml = (
      await postSigned(container.app, gatherAction(twiml), voiceParams(callSid, from, extra)).expect(200)
    ).text;
    return spokenOf(twiml);
  };
}

describe('dates and follow-ups on the phone', () => {
  it('"le premier mai" is read as that day, not the week', async () => {
    const say = await call();
    const answer = await say('la déchetterie est ouverte le premier mai');
    expect(answer).toMatch(/1er mai/);
    expect(answer).not.toMatch(/7 prochains jours/);
  });

  it('"et le vingt-cinq décembre" after the déchetterie keeps the déchetterie', async () => {
    const say = await call();
    expect(await say('quels sont les horaires de la déchetterie')).toMatch(/déchetterie/);
    const answer = await say('et le vingt-cinq décembre');
    expect(answer).toMatch(/déchetterie est fermée le vendredi 25 décembre/);
    expect(answer).not.toMatch(/De quel lieu/);
  });

  it('"est-ce que c’est ouvert maintenant" after the déchetterie gives its live status', async () => {
    const say = await call();
    await say('quels sont les horaires de la déchetterie');
    expect(await say('est-ce que c’est ouvert maintenant')).toMatch(
      /déchetterie est ouverte en ce moment, jusqu['’]à 12 h/,
    );
  });
});
