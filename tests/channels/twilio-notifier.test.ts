// The REST notifier against Twilio's Messages API (mocked with nock): retries with backoff on 429, 5xx
// and network errors, none on other 4xx; and the outbox handler that drives it.
import nock from 'nock';
import path from 'node:path';
import { GuichetError } from '../../bot/errors';
import {
  backoffDelay,
  createTwilioNotifier,
  isRetryableTwilioError,
  TwilioSendError,
} from '../../adapters/twilio';
import { notificationHandler } from '../../channels/twilio-common';
import { smsSegments } from '../../channels/render/sms';
import { TerritoryProvider } from '../../knowledge/territory';
import { REPO_ROOT } from '../support/harness';
import {
  ACCOUNT_SID,
  AUTH_TOKEN,
  TWILIO_API,
  expectRestSends,
  messageResource,
  messagesPath,
} from './twilio-helpers';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

const delays: number[] = [];
const notifier = (retries = 3) =>
  createTwilioNotifier({
    accountSid: ACCOUNT_SID,
    authToken: AUTH_TOKEN,
    retries,
    baseDelayMs: 100,
    // No real waiting in tests; the delays asked for are recorded.
    sleep: async (ms) => void delays.push(ms),
  });
beforeEach(() => (delays.length = 0));

const created = (_uri: string, body: nock.Body) =>
  messageResource(Object.fromEntries(new URLSearchParams(String(body))) as Record<string, string>);
const twilioError = (status: number, code: number, message: string) => ({
  code,
  message,
  more_info: `https://www.twilio.com/docs/errors/${code}`,
  status,
});

describe('sendSms / sendWhatsApp', () => {
  it('posts To, From and Body with the account credentials', async () => {
    let auth: string | undefined;
    const scope = nock(TWILIO_API)
      .post(
        messagesPath,
        (body: Record<string, string>) =>
          body.To === '+33612345678' && body.From === '+33939980101' && body.Body === 'Bonjour é ç',
      )
      .reply(function (uri, body) {
        auth = this.req.headers.authorization as string | undefined;
        return [201, created(uri, body)];
      });
    const sent = await notifier().sendSms('+33612345678', '+33939980101', 'Bonjour é ç');
    expect(sent.sid).toMatch(/^SM/);
    expect(scope.isDone()).toBe(true);
    expect(auth).toBe(`Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64')}`);
  });

  it('prefixes WhatsApp addresses', async () => {
    const scope = nock(TWILIO_API)
      .post(
        messagesPath,
        (body: Record<string, string>) =>
          body.To === 'whatsapp:+33612345678' && body.From === 'whatsapp:+33939980101',
      )
      .reply(201, created);
    await notifier().sendWhatsApp('+33612345678', 'whatsapp:+33939980101', 'Bonjour');
    expect(scope.isDone()).toBe(true);
  });

  it('retries 429 and 5xx with growing delays, then succeeds', async () => {
    const scope = nock(TWILIO_API)
      .post(messagesPath)
      .reply(429, twilioError(429, 20429, 'Too Many Requests'))
      .post(messagesPath)
      .reply(503, twilioError(503, 20503, 'Service unavailable'))
      .post(messagesPath)
      .reply(500, twilioError(500, 20500, 'Internal Server Error'))
      .post(messagesPath)
      .reply(201, created);
    const sent = await notifier(3).sendSms('+33612345678', '+33939980101', 'x');
    expect(sent.sid).toMatch(/^SM/);
    expect(scope.isDone()).toBe(true);
    expect(delays).toHaveLength(3);
    // Full jitter under a doubling ceiling: 100, 200, 400 ms at most, never zero.
    delays.forEach((d, i) => {
      expect(d).toBeGreaterThan(0);
      expect(d).toBeLessThanOrEqual(100 * 2 ** i);
    });
  });

  it('classifies connection failures as retryable, other client errors not', () => {
    // (nock's replyWithError is unreliable with the Twilio client's HTTP stack; the shapes are checked here.)
    expect(isRetryableTwilioError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))).toBe(
      true,
    );
    expect(isRetryableTwilioError({ isAxiosError: true, code: 'ERR_BAD_RESPONSE', message: 'x' })).toBe(true);
    expect(isRetryableTwilioError({ status: 429 })).toBe(true);
    expect(isRetryableTwilioError({ status: 502 })).toBe(true);
    expect(isRetryableTwilioError({ status: 404 })).toBe(false);
    expect(isRetryableTwilioError(new TypeError('bug'))).toBe(false);
  });

  it('retries a request that timed out', async () => {
    // One timeout serves every attempt, so it must leave the prompt answer plenty of room on a busy CI
    // machine (100 ms once timed the retry out too); only the first answer, held 10 s, can meet it.
    const scope = nock(TWILIO_API)
      .post(messagesPath)
      .delayConnection(10_000)
      .reply(201, created)
      .post(messagesPath)
      .reply(201, created);
    const quick = createTwilioNotifier({
      accountSid: ACCOUNT_SID,
      authToken: AUTH_TOKEN,
      timeoutMs: 1_000,
      sleep: async (ms) => void delays.push(ms),
    });
    await quick.sendSms('+33612345678', '+33939980101', 'x');
    expect(scope.isDone()).toBe(true);
    expect(delays).toHaveLength(1);
    nock.abortPendingRequests(); // the held answer's timer would keep jest waiting
  });

  it('does not retry a 4xx: a bad number fails at once, as permanent', async () => {
    const scope = nock(TWILIO_API)
      .post(messagesPath)
      .once()
      .reply(400, twilioError(400, 21211, "The 'To' number +3361 is not a valid phone number."));
    const error = await notifier()
      .sendSms('+3361', '+33939980101', 'x')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TwilioSendError);
    expect(error).toMatchObject({ retryable: false, status: 400 });
    expect(scope.isDone()).toBe(true);
    expect(delays).toHaveLength(0);
  });

  it('does not retry a recipient who unsubscribed (21610)', async () => {
    nock(TWILIO_API)
      .post(messagesPath)
      .once()
      .reply(400, twilioError(400, 21610, 'Attempt to send to unsubscribed recipient'));
    await expect(notifier().sendSms('+33612345678', '+33939980101', 'x')).rejects.toMatchObject({
      retryable: false,
      code: 21610,
    });
    expect(delays).toHaveLength(0);
  });

  it('gives up after the retries, saying a later attempt may succeed', async () => {
    const scope = nock(TWILIO_API)
      .post(messagesPath)
      .times(3)
      .reply(503, twilioError(503, 20503, 'Service unavailable'));
    await expect(notifier(2).sendSms('+33612345678', '+33939980101', 'x')).rejects.toMatchObject({
      retryable: true,
      status: 503,
    });
    expect(scope.isDone()).toBe(true);
    expect(delays).toHaveLength(2);
  });

  it('backoff delays double up to the cap', () => {
    const max = () => 1;
    expect(
      [1, 2, 3, 4, 10].map((a) => backoffDelay(a, { baseDelayMs: 250, maxDelayMs: 1500, random: max })),
    ).toEqual([250, 500, 1000, 1500, 1500]);
  });
});

describe('notificationHandler (outbox rows → SMS / WhatsApp)', () => {
  let territories: TerritoryProvider;
  beforeAll(async () => {
    territories = await TerritoryProvider.fromDirectories([
      path.join(REPO_ROOT, 'knowledge/territories'),
      path.join(REPO_ROOT, 'knowledge/fixtures/territories'),
    ]);
  });
  afterAll(() => territories.close());

  it('sends from the territory’s number, in SMS within its segment budget, nothing cut', async () => {
    const sends = expectRestSends(2);
    const text = `Votre demande DEM-2026-000042 est résolue. ${'Merci de votre patience. '.repeat(30)}`;
    await notificationHandler(
      notifier(),
      territories,
    )({ tenantId: 'val-de-loue', channel: 'sms', to: '+33 6 12 34 56 78', text });
    expect(sends.bodies[0]).toMatchObject({ From: '+33939980101', To: '+33612345678' });
    expect(sends.bodies[0]?.Body).toMatch(/^Votre demande DEM-2026-000042 est résolue\./);
    // Too long for one SMS of 3 segments: the rest follows in a second one (no "SUITE" to ask for here).
    for (const sent of sends.bodies) expect(smsSegments(sent.Body!).segments).toBeLessThanOrEqual(3);
    expect(
      sends.bodies
        .map((b) => b.Body)
        .join(' ')
        .match(/Merci de votre patience\./g),
    ).toHaveLength(30);
  });

  it('a caller of the phone line gets an SMS; a WhatsApp contact a WhatsApp message from the other territory', async () => {
    const sends = expectRestSends(2);
    const handler = notificationHandler(notifier(), territories);
    await handler({ tenantId: 'val-de-loue', channel: 'voice', to: '+33612345678', text: 'Rappel' });
    await handler({
      tenantId: 'autre-commune',
      channel: 'whatsapp',
      to: 'whatsapp:+594694123456',
      text: 'Bonjour',
    });
    expect(sends.bodies).toEqual([
      expect.objectContaining({ To: '+33612345678', From: '+33939980101', Body: 'Rappel' }),
      expect.objectContaining({
        To: 'whatsapp:+594694123456',
        From: 'whatsapp:+594594390001',
        Body: 'Bonjour',
      }),
    ]);
  });

  it('refuses an invalid row or an unknown tenant without calling Twilio (permanent failures)', async () => {
    const handler = notificationHandler(notifier(), territories);
    await expect(
      handler({ tenantId: 'val-de-loue', channel: 'sms', to: 'not a number', text: 'x' }),
    ).rejects.toBeInstanceOf(GuichetError);
    await expect(
      handler({ tenantId: 'val-de-loue', channel: 'fax', to: '+33612345678', text: 'x' }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(
      handler({ tenantId: 'nowhere', channel: 'sms', to: '+33612345678', text: 'x' }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(nock.pendingMocks()).toEqual([]);
  });
});
