// Redis really stopped (SIGKILL of a dedicated redis-server, mid-load) and restarted: webhooks fail
// fast with the degraded answer (the counter's phone number and hours) on every channel, nothing
// committed is lost, and the service recovers by itself once Redis is back.
import request from 'supertest';
import type { Container } from '../../server/container';
import {
  messagesOf,
  mobile,
  postSigned,
  sid,
  smsParams,
  spokenOf,
  TWILIO_ENV,
  voiceParams,
} from '../channels/twilio-helpers';
import { createTestContainer, DEMO_TENANT } from '../support/harness';
import { describeWithBinaries, startRedis, type DedicatedRedis } from '../support/servers';
import {
  appWebchat,
  choice,
  REFERENCE,
  reportUpToConfirmation,
  sleep,
  type WebchatAnswer,
  type WebchatPost,
} from './helpers';

const COUNTER_PHONE = /01 99 00 10 00/;

describeWithBinaries(['redis-server'], 'when Redis fails', () => {
  let redis: DedicatedRedis;
  let container: Container;
  let post: WebchatPost;

  beforeAll(async () => {
    redis = await startRedis();
    container = await createTestContainer(
      { REDIS_URL: redis.url, ...TWILIO_ENV },
      { redisKeyPrefix: 'fault:' },
    );
    post = appWebchat(container.app);
  }, 180_000);
  afterAll(async () => {
    await container?.close();
    await redis?.stop('SIGTERM');
  });

  it('answers fast with the degraded reply while Redis is down, loses nothing committed, and recovers by itself', async () => {
    // Committed before the outage: a request with its reference.
    const open = await reportUpToConfirmation(post, { lat: 47.07, lon: 6.07 });
    const confirmed = await post({
      conversationId: open.conversationId,
      token: open.token,
      ...choice(open.last, /Oui, enregistrer/)!,
    });
    const reference = REFERENCE.exec(confirmed.text)?.[0];
    expect(reference).toBeDefined();

    // Load: four citizens chatting while Redis is killed under them.
    let loading = true;
    const answers: WebchatAnswer[] = [];
    const citizens = Array.from({ length: 4 }, async () => {
      while (loading) answers.push(await post({ text: 'quels sont les horaires de la mairie ?' }));
    });
    await sleep(300);
    await redis.stop('SIGKILL');
    await sleep(300);
    loading = false;
    await Promise.all(citizens);
    // Every answer under the outage is a success or the degraded answer: never a 500, never a hang.
    for (const a of answers) {
      expect([200, 503]).toContain(a.status);
      if (a.status === 503) expect(a.text).toMatch(COUNTER_PHONE);
    }

    // During the outage, each channel answers at once with the counter's phone number and hours.
    const web = await post({ text: 'bonjour' });
    expect(web.status).toBe(503);
    expect(web.error?.code).toBe('DEPENDENCY_UNAVAILABLE');
    expect(web.text).toMatch(/momentanément indisponible/);
    expect(web.text).toMatch(COUNTER_PHONE);

    let started = Date.now();
    const sms = await postSigned(
      container.app,
      '/channels/twilio/sms',
      smsParams({ From: mobile(), Body: 'horaires de la mairie' }),
    );
    const smsMs = Date.now() - started;
    expect(sms.status).toBe(200);
    expect(messagesOf(sms.text).join(' ')).toMatch(COUNTER_PHONE);

    started = Date.now();
    const call = await postSigned(container.app, '/channels/twilio/voice', voiceParams(sid('CA'), mobile()));
    const voiceMs = Date.now() - started;
    expect(call.status).toBe(200);
    expect(spokenOf(call.text)).toMatch(/indisponible/);

    // Fail fast: the worst web chat answer during the outage (generous bound: ioredis's default would queue ~10 s+).
    const failures = [web, ...answers.filter((a) => a.status === 503)].map((a) => a.ms);
    const worst = Math.max(...failures, smsMs, voiceMs);
    expect(worst).toBeLessThan(5000);

    // Redis comes back (empty: no persistence). The service recovers without a restart.
    await redis.start();
    const back = Date.now();
    let recovered: WebchatAnswer | undefined;
    while (Date.now() - back < 30_000) {
      const attempt = await post({ text: 'bonjour' });
      if (attempt.status === 200) {
        recovered = attempt;
        break;
      }
      await sleep(50);
    }
    const recoveryMs = Date.now() - back;
    expect(recovered?.status).toBe(200);
    expect((await request(container.app).get('/readyz')).status).toBe(200);

    // Nothing committed was lost: the request is there and its status can be asked again.
    const stored = await container.store.getRequestByReference(DEMO_TENANT, reference!);
    expect(stored?.status).toBe('received');
    const status = await post({ text: `où en est ma demande ${reference}` });
    expect(status.status).toBe(200);
    expect(status.text).toContain(reference!);

    console.log(
      `[figures] Redis down: worst degraded answer ${worst} ms (web chat median ${median(failures)} ms, SMS ${smsMs} ms, voice ${voiceMs} ms); recovered ${recoveryMs} ms after Redis came back`,
    );
  }, 120_000);
});

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}
