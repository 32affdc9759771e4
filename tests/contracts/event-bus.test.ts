// EventBus contract against memory (two buses over one hub) and Redis (two buses, two connections each).
import { MemoryEventBus, MemoryEventHub } from '../../adapters/memory';
import { closeClient, createRedisClient, RedisEventBus, type RedisClient } from '../../adapters/redis';
import { describeWith, redisUrl, uniqueSuffix } from '../support/services';
import { eventBusContract } from './event-bus.contract';
import { expectGuichetError } from './helpers';

describe('MemoryEventBus', () => {
  eventBusContract(async () => {
    const hub = new MemoryEventHub();
    const a = new MemoryEventBus({ hub });
    const b = new MemoryEventBus({ hub });
    return { a, b, dispose: async () => void (await Promise.all([a.close(), b.close()])) };
  });

  it('a bus without a shared hub is its own instance', async () => {
    const a = new MemoryEventBus();
    const b = new MemoryEventBus();
    const got: unknown[] = [];
    await a.subscribe('t', (p) => void got.push(p));
    await b.publish('t', 'elsewhere');
    await a.publish('t', 'here');
    await new Promise((resolve) => setImmediate(resolve));
    expect(got).toEqual(['here']);
  });
});

describeWith('redis', 'RedisEventBus', () => {
  const keyPrefix = `test:${uniqueSuffix()}:`;

  eventBusContract(async () => {
    const clients: RedisClient[] = [createRedisClient(redisUrl()), createRedisClient(redisUrl())];
    const [ca, cb] = clients as [RedisClient, RedisClient];
    const a = new RedisEventBus({ client: ca, keyPrefix });
    const b = new RedisEventBus({ client: cb, keyPrefix });
    return {
      a,
      b,
      dispose: async () => {
        await Promise.all([a.close(), b.close()]);
        await Promise.all(clients.map(closeClient));
      },
    };
  });

  it('keeps deployments apart: another key prefix does not hear the topic', async () => {
    const client = createRedisClient(redisUrl());
    const mine = new RedisEventBus({ client, keyPrefix });
    const theirs = new RedisEventBus({ client, keyPrefix: `${keyPrefix}other:` });
    try {
      const heard: unknown[] = [];
      const got: unknown[] = [];
      await theirs.subscribe('topic', (p) => void heard.push(p));
      await mine.subscribe('topic', (p) => void got.push(p));
      await mine.publish('topic', 'ours');
      await theirs.publish('topic', 'marker');
      // One subscriber connection receives in publish order: once 'marker' is there, 'ours' had its chance.
      while (heard.length === 0 || got.length === 0) await new Promise((r) => setTimeout(r, 10));
      expect(got).toEqual(['ours']);
      expect(heard).toEqual(['marker']);
    } finally {
      await Promise.all([mine.close(), theirs.close()]);
      await closeClient(client);
    }
  });

  it('fails fast with DEPENDENCY_UNAVAILABLE when Redis is unreachable', async () => {
    const client = createRedisClient('redis://127.0.0.1:1', { connectTimeoutMs: 200 });
    const bus = new RedisEventBus({ client, keyPrefix });
    try {
      await expectGuichetError(bus.publish('t', 1), 'DEPENDENCY_UNAVAILABLE');
      await expectGuichetError(
        bus.subscribe('t', () => undefined),
        'DEPENDENCY_UNAVAILABLE',
      );
    } finally {
      await bus.close();
      await closeClient(client);
    }
  });
});
