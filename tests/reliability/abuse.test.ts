// Abuse through the real app: a flood from one phone number or one web chat conversation is cut before
// the engine (polite TwiML once, then silence; 429 on the web chat) while everyone else is served; one
// IP is limited without touching others; security headers and CORS on what the app serves.
import request from 'supertest';
import type { Container } from '../../server/container';
import { messagesOf, mobile, postSigned, smsParams, TWILIO_ENV } from '../channels/twilio-helpers';
import { createTestContainer } from '../support/harness';

let container: Container;
beforeAll(async () => {
  container = await createTestContainer({ ...TWILIO_ENV, RATE_LIMIT_IP_PER_MINUTE: '40' });
}, 120_000);
afterAll(() => container.close());

/** Engine turns started for one channel address. */
function countTurns(): { of(address: string): number; restore(): void } {
  const spy = jest.spyOn(container.engine, 'handleTurn');
  return {
    of: (address) => spy.mock.calls.filter(([m]) => m.address === address).length,
    restore: () => spy.mockRestore(),
  };
}

describe('rate limit per sender', () => {
  it('cuts an SMS flood from one number after 30 messages without calling the engine, and still serves another number', async () => {
    const turns = countTurns();
    const flooder = mobile();
    const answers: string[][] = [];
    for (let i = 0; i < 34; i++) {
      const res = await postSigned(
        container.app,
        '/channels/twilio/sms',
        smsParams({ From: flooder, Body: `message ${i}` }),
      ).expect(200);
      answers.push(messagesOf(res.text));
    }
    expect(turns.of(flooder)).toBe(30);
    expect(answers.slice(0, 30).every((m) => m.length > 0)).toBe(true);
    // The 31st gets one polite message; the next ones an empty <Response/> (each SMS sent costs money).
    expect(answers[30]!.join(' ')).toMatch(/beaucoup de messages/);
    expect(answers.slice(31)).toEqual([[], [], []]);

    const neighbour = mobile();
    const served = await postSigned(
      container.app,
      '/channels/twilio/sms',
      smsParams({ From: neighbour, Body: 'horaires de la mairie' }),
    ).expect(200);
    expect(messagesOf(served.text).join(' ')).toMatch(/mairie/i);
    expect(turns.of(neighbour)).toBe(1);
    turns.restore();
  }, 120_000);

  it('does not let forged (unsigned) webhooks spend a citizen’s budget', async () => {
    const citizen = mobile();
    for (let i = 0; i < 40; i++) {
      await postSigned(container.app, '/channels/twilio/sms', smsParams({ From: citizen, Body: 'spam' }), {
        signature: null,
      }).expect(403);
    }
    const real = await postSigned(
      container.app,
      '/channels/twilio/sms',
      smsParams({ From: citizen, Body: 'bonjour' }),
    ).expect(200);
    expect(messagesOf(real.text).join(' ')).not.toMatch(/beaucoup de messages/);
  });

  it('answers 429 with a readable message to a web chat conversation past 30 messages a minute; others go on', async () => {
    const first = await request(container.app)
      .post('/channels/webchat/messages')
      .send({ text: 'bonjour' })
      .expect(200);
    const ids = { conversationId: first.body.conversationId as string, token: first.body.token as string };
    const statuses: number[] = [];
    let refused: request.Response | undefined;
    for (let i = 0; i < 31; i++) {
      const res = await request(container.app)
        .post('/channels/webchat/messages')
        .send({ ...ids, text: `encore ${i}` });
      statuses.push(res.status);
      if (res.status === 429) refused ??= res;
    }
    // 30 counted messages (the first one opened the conversation, without an id to count).
    expect(statuses.filter((s) => s === 200)).toHaveLength(30);
    expect(statuses[30]).toBe(429);
    expect(refused!.body.error.code).toBe('RATE_LIMITED');
    expect(refused!.body.messages[0].text).toMatch(/patienter/);
    expect(Number(refused!.headers['retry-after'])).toBeGreaterThan(0);
    await request(container.app).post('/channels/webchat/messages').send({ text: 'bonjour' }).expect(200);
  }, 120_000);
});

describe('rate limit per IP', () => {
  it('limits one client address (behind the proxy) without slowing others; health checks are never limited', async () => {
    const from = (ip: string) =>
      request(container.app).get('/privacy?tenant=val-de-loue').set('X-Forwarded-For', ip);
    for (let i = 0; i < 40; i++) await from('198.51.100.7').expect(200);
    const refused = await from('198.51.100.7').expect(429);
    expect(refused.body.error.code).toBe('RATE_LIMITED');
    await from('198.51.100.8').expect(200);
    await request(container.app).get('/healthz').set('X-Forwarded-For', '198.51.100.7').expect(200);
    // Loopback (health probes, a local proxy that does not forward the client address) is not limited per IP.
    for (let i = 0; i < 45; i++) await request(container.app).get('/privacy?tenant=val-de-loue').expect(200);
  });
});

describe('the SMS webhook, found before the router (server/exact-routes.ts)', () => {
  let limited: Container;
  beforeAll(async () => {
    limited = await createTestContainer({ ...TWILIO_ENV, RATE_LIMIT_WEBHOOK_IP_PER_MINUTE: '3' });
  }, 120_000);
  afterAll(() => limited.close());

  it('goes through the app’s guards once each: security headers, and the per-IP limit counting each delivery once', async () => {
    const deliver = (ip: string) =>
      postSigned(
        limited.app,
        '/channels/twilio/sms',
        smsParams({ From: mobile(), Body: 'horaires de la mairie' }),
      ).set('X-Forwarded-For', ip);
    for (let i = 0; i < 3; i++) {
      const res = await deliver('203.0.113.9').expect(200);
      expect(messagesOf(res.text).join(' ')).toMatch(/mairie/i);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-powered-by']).toBeUndefined();
    }
    const refused = await deliver('203.0.113.9').expect(429);
    expect(refused.body.error.code).toBe('RATE_LIMITED');
    await deliver('203.0.113.10').expect(200);
  });
});

describe('headers and CORS', () => {
  it('serves our pages with a strict CSP and no framing by others', async () => {
    const res = await request(container.app).get('/privacy?tenant=val-de-loue').expect(200);
    expect(res.headers['content-security-policy']).toMatch(/script-src 'self'/);
    expect(res.headers['content-security-policy']).toMatch(/frame-ancestors 'self'/);
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('lets any site load the widget script (it is injected in the host page), but not read the API', async () => {
    const widget = await request(container.app).get('/channels/webchat/widget.js').expect(200);
    expect(widget.headers['cross-origin-resource-policy']).toBe('cross-origin');
    const api = await request(container.app)
      .post('/channels/webchat/messages')
      .set('Origin', 'https://evil.example')
      .send({ text: 'bonjour' });
    expect(api.status).toBe(403);
    expect(api.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('gives the back-office API no permissive CORS', async () => {
    const preflight = await request(container.app)
      .options('/api/v1/requests')
      .set('Origin', 'https://evil.example')
      .set('Access-Control-Request-Method', 'GET')
      .set('Access-Control-Request-Headers', 'authorization');
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    expect(preflight.headers['access-control-allow-credentials']).toBeUndefined();
    const get = await request(container.app)
      .get('/api/v1/requests')
      .set('Origin', 'https://evil.example')
      .set('Authorization', 'Bearer nope');
    expect(get.status).toBe(401);
    expect(get.headers['access-control-allow-origin']).toBeUndefined();
  });
});
