// The bench's simulated citizens (bench/citizen-scripts.ts) against the real app: what `npm run bench` measures is
// what it says it measures. Each citizen asks the opening hours, reports a pothole to the end, then asks the status
// of its own reference. The second report at the same place meets the "already reported nearby" question, whose
// answer quotes the earlier report's reference: the script must answer it ("non", a different problem) and go on,
// not take that reference for its own (it did: every report stopped there once a few were open nearby).
import nock from 'nock';
import request from 'supertest';
import {
  advance,
  citizenPool,
  decodeXml,
  firstContacts,
  nextSms,
  REGISTERED_REFERENCE,
  REPORT_OPENING,
  signedSms,
  stepOf,
  type ScriptStep,
  type ScriptedCitizen,
} from '../../bench/citizen-scripts';
import type { HttpCall } from '../../bench/load';
import type { Container } from '../../server/container';
import { DEMO_TENANT, createTestContainer } from '../support/harness';
import { AUTH_TOKEN, DEMO_NUMBER, PUBLIC_URL, geocoderAnswersLilas } from '../channels/twilio-helpers';

jest.setTimeout(60_000);

let container: Container;
beforeAll(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect(/127\.0\.0\.1|localhost/);
  geocoderAnswersLilas();
  // As the bench starts the server: the webhooks' account is not checked (no TWILIO_ACCOUNT_SID).
  container = await createTestContainer({ TWILIO_AUTH_TOKEN: AUTH_TOKEN, PUBLIC_URL });
});
afterAll(async () => {
  await container.close();
  nock.cleanAll();
  nock.enableNetConnect();
});

/** The step of each turn sent and whether its answer registered a request (the bench's latencies by step). */
const steps: { step: ScriptStep; registered: boolean }[] = [];

/** One turn of the script: the citizen's next SMS, signed as Twilio signs it, and the script moved on. */
async function turn(citizen: ScriptedCitizen): Promise<string> {
  const step = stepOf(citizen);
  const call = signedSms(AUTH_TOKEN, PUBLIC_URL, DEMO_NUMBER, citizen.phone, nextSms(citizen));
  const res = await request(container.app).post(call.path).set(call.headers).send(call.body);
  if (res.status !== 200) throw new Error(`${res.status} ${res.text}`);
  const reply = decodeXml(res.text);
  steps.push({ step, registered: REGISTERED_REFERENCE.test(reply) });
  advance(citizen, reply);
  return reply;
}

it('reports to the end even when the same problem is already reported nearby, then finds its own request', async () => {
  const citizens: ScriptedCitizen[] = ['+33612000001', '+33612000002'].map((phone) => ({
    phone,
    scenario: 'hours',
    step: 0,
    lastReply: '',
    references: [],
    turns: 0,
  }));
  const replies: string[] = [];
  // Two rounds each (hours, report, status): from the second report on, the place has an open report.
  for (const citizen of citizens)
    for (let round = 0; round < 2; round++) {
      const reports = citizen.references.length;
      for (let i = 0; i < 20 && citizen.references.length === reports; i++) replies.push(await turn(citizen));
      replies.push(await turn(citizen)); // the status question
    }

  expect(replies.some((r) => /déjà été signalé à moins de 50 m/.test(r))).toBe(true);
  // The bench's "registering" step is exactly the turn that writes a request.
  expect(steps.filter((s) => s.registered).every((s) => s.step === 'registering')).toBe(true);
  expect(steps.filter((s) => s.step === 'registering').every((s) => s.registered)).toBe(true);
  expect(new Set(steps.map((s) => s.step))).toEqual(new Set(['hours', 'report', 'registering', 'status']));
  const references = citizens.flatMap((c) => c.references);
  expect(new Set(references).size).toBe(4);
  for (const citizen of citizens) {
    expect(citizen.statusShown).toBe(2);
    expect(citizen.statusMissed ?? 0).toBe(0);
    // Each reference is a request of this citizen in the store.
    for (const reference of citizen.references) {
      const stored = await container.store.getRequestByReference(DEMO_TENANT, reference);
      expect(stored?.type).toBe('report_incident');
      const conversation = await container.store.findConversation({
        tenantId: DEMO_TENANT,
        channel: 'sms',
        address: citizen.phone,
      });
      expect(stored?.contactId).toBe(conversation?.contactId);
    }
  }
});

it('sends each citizen’s first message apart, before the fixed-rate phase, through the real webhook', async () => {
  // A fixed-rate phase measures conversations under way: its pool's first contacts (each opening a conversation)
  // go first, one per citizen, and the phase then continues the same citizens' scripts.
  const pool = citizenPool(
    5,
    (n): ScriptedCitizen => ({
      phone: `+3369900000${n}`,
      scenario: (['hours', 'report', 'status'] as const)[n % 3]!,
      step: 0,
      lastReply: '',
      references: [],
      turns: 0,
    }),
    (c) => signedSms(AUTH_TOKEN, PUBLIC_URL, DEMO_NUMBER, c.phone, nextSms(c)),
  );
  const sent: { to: string; text: string }[] = [];
  const send = async (call: HttpCall) => {
    const params = new URLSearchParams(call.body);
    sent.push({ to: params.get('From')!, text: params.get('Body')! });
    const res = await request(container.app).post(call.path).set(call.headers).send(call.body);
    return { status: res.status, body: res.text };
  };
  const opened = await firstContacts(send, 200, pool);
  expect(opened).toMatchObject({ count: 5, errors: 0 });
  expect(sent.map((s) => s.to)).toEqual(pool.citizens.map((c) => c.phone));
  expect(sent.map((s) => s.text)).toEqual([
    'la déchetterie est ouverte samedi ?',
    REPORT_OPENING,
    'où en est ma demande',
    'la déchetterie est ouverte samedi ?',
    REPORT_OPENING,
  ]);
  // Each conversation is open, its privacy notice given: the phase's turns are the scripts' next steps.
  for (const citizen of pool.citizens) {
    expect(citizen.turns).toBe(1);
    const conversation = await container.store.findConversation({
      tenantId: DEMO_TENANT,
      channel: 'sms',
      address: citizen.phone,
    });
    expect(conversation).toBeDefined();
  }
  // The phase's first turn goes to the first citizen again, with its second question.
  const next = new URLSearchParams(pool.next(0).body);
  expect([next.get('From'), next.get('Body')]).toEqual([pool.citizens[0]!.phone, 'et la piscine demain ?']);
});
