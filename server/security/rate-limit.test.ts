import { closeClient, createRedisClient, redisCall, type RedisClient } from '../../adapters/redis';
import { describeWith, redisUrl, uniqueSuffix } from '../../tests/support/services';
import { freePort } from '../../tests/support/servers';
import { createRateLimiter } from './rate-limit';

const settings = { senderPerMinute: 3, ipPerMinute: 5, webhookIpPerMinute: 50 };

async function consumeTimes(
  limiter: ReturnType<typeof createRateLimiter>,
  kind: 'sender' | 'ip',
  key: string,
  n: number,
) {
  const decisions = [];
  for (let i = 0; i < n; i++) decisions.push(await limiter.consume(kind, key));
  return decisions;
}

describe('rate limiter (memory)', () => {
  it('lets a sender through up to the limit, then refuses with a Retry-After, politely once', async () => {
    const limiter = createRateLimiter({ settings });
    const decisions = await consumeTimes(limiter, 'sender', 'sms:+33612345678', 6);
    expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, false, false, false]);
    expect(decisions.map((d) => d.firstRefusal)).toEqual([false, false, false, true, false, false]);
    expect(decisions[3]!.retryAfterS).toBeGreaterThanOrEqual(1);
    expect(decisions[3]!.retryAfterS).toBeLessThanOrEqual(60);
  });

  it('keeps senders and kinds apart: one flooding sender does not use anyone else’s budget', async () => {
    const limiter = createRateLimiter({ settings });
    await consumeTimes(limiter, 'sender', 'sms:+33600000001', 10);
    expect((await limiter.consume('sender', 'sms:+33600000002')).allowed).toBe(true);
    expect((await limiter.consume('ip', 'sms:+33600000001')).allowed).toBe(true);
  });
});

describe('rate limiter while Redis is down', () => {
  let client: RedisClient;
  beforeAll(async () => {
    client = createRedisClient(`redis://127.0.0.1:${await freePort()}`); // nothing listens there
  });
  afterAll(() => closeClient(client));

  it('still limits, per instance, through the in-memory insurance limiter, and answers at once', async () => {
    const limiter = createRateLimiter({ settings, redis: client, keyPrefix: 'down:' });
    const started = Date.now();
    const decisions = await consumeTimes(limiter, 'sender', 'webchat:wc_x', 5);
    expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, false, false]);
    // Fail fast: five decisions without a Redis take well under the client's 2 s command timeout.
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describeWith('redis', 'rate limiter over Redis', () => {
  let client: RedisClient;
  const keyPrefix = `test:${uniqueSuffix()}:`;
  beforeAll(async () => {
    client = createRedisClient(redisUrl());
    // Until the first connection is up the limiter uses its insurance (per instance): wait for it.
    await redisCall(client, () => client.ping());
  });
  afterAll(async () => {
    const keys = await client.keys(`${keyPrefix}*`);
    if (keys.length) await client.del(...keys);
    await closeClient(client);
  });

  it('shares one budget between instances (two limiters on the same Redis)', async () => {
    const a = createRateLimiter({ settings, redis: client, keyPrefix });
    const b = createRateLimiter({ settings, redis: client, keyPrefix });
    const key = 'messaging:+33611111111';
    expect((await a.consume('sender', key)).allowed).toBe(true);
    expect((await b.consume('sender', key)).allowed).toBe(true);
    expect((await a.consume('sender', key)).allowed).toBe(true);
    const fourth = await b.consume('sender', key);
    expect(fourth).toMatchObject({ allowed: false, firstRefusal: true });
    expect(await client.keys(`${keyPrefix}rl:sender*`)).not.toHaveLength(0);
  });
});
