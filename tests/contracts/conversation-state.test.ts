// ConversationStateStore contract against memory and Redis.
import { MemoryStateStore } from '../../adapters/memory';
import { closeClient, createRedisClient, RedisStateStore, type RedisClient } from '../../adapters/redis';
import { describeWith, redisUrl, uniqueSuffix } from '../support/services';
import { conversationStateContract } from './conversation-state.contract';

describe('MemoryStateStore', () => {
  conversationStateContract(() => {
    const store = new MemoryStateStore();
    return { store, dispose: () => store.close() };
  });
});

describeWith('redis', 'RedisStateStore', () => {
  let client: RedisClient;
  const keyPrefix = `test:${uniqueSuffix()}:`;

  beforeAll(() => {
    client = createRedisClient(redisUrl());
  });
  afterAll(async () => {
    const keys = await client.keys(`${keyPrefix}*`);
    if (keys.length > 0) await client.del(...keys);
    await closeClient(client);
  });

  conversationStateContract(() => ({ store: new RedisStateStore({ client, keyPrefix }) }));

  it('stores the data as its compact JSON, nothing more', async () => {
    const store = new RedisStateStore({ client, keyPrefix });
    const data = {
      form: { name: 'report-incident', slots: { category: 'éclairage' } },
      history: ['bonjour'],
    };
    await store.set('compact', data, 0, 60);
    expect(await client.hget(`${keyPrefix}state:compact`, 'd')).toBe(JSON.stringify(data));
    const ttl = await client.pttl(`${keyPrefix}state:compact`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });
});
