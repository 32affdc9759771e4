// The per-tenant budget shared by every instance through Redis (REDIS_URL), on a real Redis server.
import { createRedisClient, type RedisClient } from '../../adapters/redis';
import { RedisLlmBudget } from '../../adapters/llm';
import { describeWith, redisUrl, uniqueSuffix } from '../support/services';

describeWith('redis', 'LLM budget in Redis', () => {
  let client: RedisClient;
  const keyPrefix = `test:${uniqueSuffix()}:`;
  const now = new Date('2026-03-02T10:15:30Z');

  beforeAll(() => {
    client = createRedisClient(redisUrl());
  });
  afterAll(async () => {
    const keys = await client.keys(`${keyPrefix}*`);
    if (keys.length > 0) await client.del(...keys);
    client.disconnect();
  });

  it('counts requests per minute across instances, per tenant, and starts again the next minute', async () => {
    const a = new RedisLlmBudget({ client, keyPrefix, requestsPerMinute: 2, tokensPerDay: 1000 });
    const b = new RedisLlmBudget({ client, keyPrefix, requestsPerMinute: 2, tokensPerDay: 1000 });
    expect(await a.tryAcquire('t1', now)).toBe(true);
    expect(await b.tryAcquire('t1', now)).toBe(true);
    expect(await a.tryAcquire('t1', now)).toBe(false);
    expect(await b.tryAcquire('t2', now)).toBe(true);
    expect(await a.tryAcquire('t1', new Date(now.getTime() + 60_000))).toBe(true);
  });

  it('stops a tenant for the rest of the UTC day once its tokens are spent', async () => {
    const budget = new RedisLlmBudget({ client, keyPrefix, requestsPerMinute: 100, tokensPerDay: 500 });
    expect(await budget.tryAcquire('t3', now)).toBe(true);
    await budget.record('t3', 300, now);
    expect(await budget.tryAcquire('t3', now)).toBe(true);
    await budget.record('t3', 250, now);
    expect(await budget.tryAcquire('t3', now)).toBe(false);
    expect(await budget.tryAcquire('t3', new Date('2026-03-03T00:00:01Z'))).toBe(true);
    expect(Number(await client.ttl(`${keyPrefix}llm:tpd:t3:2026-03-02`))).toBeGreaterThan(0);
  });
});
