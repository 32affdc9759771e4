// LockManager and IdempotencyStore contracts against memory and Redis.
import { MemoryIdempotencyStore, MemoryLockManager } from '../../adapters/memory';
import {
  closeClient,
  createRedisClient,
  redisCall,
  RedisIdempotencyStore,
  RedisLockManager,
  type RedisClient,
} from '../../adapters/redis';
import { describeWith, redisUrl, uniqueSuffix } from '../support/services';
import { idempotencyContract, lockManagerContract } from './coordination.contract';

describe('MemoryLockManager', () => {
  lockManagerContract(() => ({ subject: new MemoryLockManager() }));
});

describe('MemoryIdempotencyStore', () => {
  idempotencyContract(() => ({ subject: new MemoryIdempotencyStore() }));
});

describeWith('redis', 'Redis coordination', () => {
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

  describe('RedisLockManager', () => {
    lockManagerContract(() => ({ subject: new RedisLockManager({ client, keyPrefix }) }));

    it('keeps the FIFO order across instances (two managers, two connections)', async () => {
      const other = createRedisClient(redisUrl());
      try {
        const a = new RedisLockManager({ client, keyPrefix });
        const b = new RedisLockManager({ client: other, keyPrefix });
        await redisCall(other, () => other.ping());
        const holder = await a.acquire('shared', { ttlMs: 10_000, waitMs: 0 });
        const order: string[] = [];
        const wait = (name: string, m: RedisLockManager): Promise<void> =>
          m.acquire('shared', { ttlMs: 10_000, waitMs: 5_000 }).then(async (lock) => {
            order.push(name);
            await lock.release();
          });
        const queued: Promise<void>[] = [];
        for (const [name, m] of [
          ['b1', b],
          ['a1', a],
          ['b2', b],
          ['a2', a],
        ] as const) {
          queued.push(wait(name, m));
          await new Promise((resolve) => setTimeout(resolve, 20)); // each one queued before the next asks
        }
        await holder.release();
        await Promise.all(queued);
        expect(order).toEqual(['b1', 'a1', 'b2', 'a2']);
      } finally {
        await closeClient(other);
      }
    });
  });

  describe('RedisIdempotencyStore', () => {
    idempotencyContract(() => ({ subject: new RedisIdempotencyStore({ client, keyPrefix }) }));
  });

  it('leaves no Redis key of an erased conversation scope (lock, fence, claims, answers)', async () => {
    const locks = new RedisLockManager({ client, keyPrefix });
    const idempotency = new RedisIdempotencyStore({ client, keyPrefix });
    const scope = `t:sms:${uniqueSuffix()}`;
    const lock = await locks.acquire(scope, { ttlMs: 10_000, waitMs: 0 });
    await idempotency.claim(`${scope}:SM1`, 60);
    await idempotency.complete(`${scope}:SM1`, 'Jean Dupont, 06 12 34 56 78', 60, { residue: 'r' });
    await idempotency.claim(`${scope}:SM2`, 60);
    await lock.release();
    const left = () => client.keys(`${keyPrefix}*${scope}*`);
    expect((await left()).length).toBeGreaterThanOrEqual(3);
    await Promise.all([locks.erase(scope), idempotency.eraseScope(scope)]);
    expect(await left()).toEqual([]);
  });
});
