// LockManager over Redis, fair across instances: waiters join a per-key queue (a list, plus a sorted
// set of liveness deadlines so a crashed waiter drops out) and the lock goes to the queue's head only.
// The lock itself is `SET holder token PX ttl`; tokens come from INCR on a per-key fencing counter,
// seeded with the server clock in µs, so they keep increasing even after the counter key expires.
import { randomUUID } from 'node:crypto';
import { GuichetError } from '../../bot/errors';
import type { Lock, LockManager, LockOptions } from '../../bot/ports';
import { assertLockOptions, lockWithRead, startRead } from '../memory/memory-lock-manager';
import { redisCall, type RedisClient } from './client';
import { closeClient, DEFAULT_KEY_PREFIX, type RedisAdapterOptions } from './redis-state-store';
import { RedisScript } from './script';

// KEYS: holder, queue, deadlines, fence. ARGV: waiter id, ttl ms, liveness ms.
// Returns the fencing token when acquired, 0 when the caller is (now) queued.
const ACQUIRE = new RedisScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
for _, w in ipairs(redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now)) do
  redis.call('LREM', KEYS[2], 0, w)
  redis.call('ZREM', KEYS[3], w)
end
local head = redis.call('LINDEX', KEYS[2], 0)
if redis.call('EXISTS', KEYS[1]) == 0 and (not head or head == ARGV[1]) then
  if head then
    redis.call('LPOP', KEYS[2])
    redis.call('ZREM', KEYS[3], ARGV[1])
  end
  if redis.call('EXISTS', KEYS[4]) == 0 then
    redis.call('SET', KEYS[4], string.format('%.0f', tonumber(t[1]) * 1000000 + tonumber(t[2])))
  end
  local token = redis.call('INCR', KEYS[4])
  redis.call('PEXPIRE', KEYS[4], 86400000)
  redis.call('SET', KEYS[1], token, 'PX', ARGV[2])
  return token
end
if not redis.call('ZSCORE', KEYS[3], ARGV[1]) then
  redis.call('RPUSH', KEYS[2], ARGV[1])
end
redis.call('ZADD', KEYS[3], now + tonumber(ARGV[3]), ARGV[1])
redis.call('PEXPIRE', KEYS[2], tonumber(ARGV[3]) * 2)
redis.call('PEXPIRE', KEYS[3], tonumber(ARGV[3]) * 2)
return 0
`);

// KEYS: queue, deadlines. ARGV: waiter id.
const LEAVE_QUEUE = new RedisScript(`
redis.call('LREM', KEYS[1], 0, ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
return 1
`);

// KEYS: holder. ARGV: token, ttl ms. Extends only our own lock.
const EXTEND = new RedisScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
`);

// KEYS: holder. ARGV: token. Deletes only our own lock, never a later holder's.
const RELEASE = new RedisScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`);

export interface RedisLockManagerOptions extends RedisAdapterOptions {
  /** Delay between two attempts of a waiter. */
  pollMs?: number;
  /** A waiter that has not polled for this long is dropped from the queue (its process died). */
  livenessMs?: number;
}

export class RedisLockManager implements LockManager {
  private readonly client: RedisClient;
  private readonly prefix: string;
  private readonly pollMs: number;
  private readonly livenessMs: number;

  constructor(private readonly options: RedisLockManagerOptions) {
    this.client = options.client;
    this.prefix = `${options.keyPrefix ?? DEFAULT_KEY_PREFIX}lock:`;
    this.pollMs = options.pollMs ?? 10;
    this.livenessMs = options.livenessMs ?? 3000;
  }

  async acquire(key: string, options: LockOptions): Promise<Lock> {
    assertLockOptions(options);
    const keys = this.keysOf(key);
    const waiterId = randomUUID();
    const deadline = Date.now() + options.waitMs;
    const ttlMs = Math.ceil(options.ttlMs);
    const { signal } = options;

    let first = true;
    while (!signal?.aborted) {
      // The read goes right behind the first attempt, on the same connection, so Redis runs it after the attempt:
      // only when the client is ready now (else redisCall would send the attempt later, after the read) and the
      // attempt is not sent again (a script unknown to the server is retried with EVAL, after the read).
      const readAfter = first && this.client.status === 'ready' ? options.readAfter : undefined;
      let retried = false;
      const attempt = redisCall(this.client, () =>
        ACQUIRE.run(this.client, keys, [waiterId, ttlMs, this.livenessMs], () => (retried = true)),
      );
      const read = startRead(readAfter);
      first = false;
      const token = Number(await attempt);
      // Granted, even if withdrawn meanwhile: the caller releases what it gets.
      if (token > 0) {
        const lock = this.lockOf(keys[0], token);
        return read && !retried ? lockWithRead(lock, read) : lock;
      }
      const left = deadline - Date.now();
      if (left <= 0) break;
      await sleep(Math.min(this.pollMs, left), signal);
    }
    await redisCall(this.client, () => LEAVE_QUEUE.run(this.client, keys.slice(1, 3), [waiterId])).catch(
      () => undefined,
    );
    if (signal?.aborted) throw new GuichetError('LOCK_TIMEOUT', `Lock ${key} request withdrawn`);
    throw new GuichetError('LOCK_TIMEOUT', `Lock ${key} not acquired within ${options.waitMs} ms`);
  }

  async erase(key: string): Promise<void> {
    await redisCall(this.client, () => this.client.unlink(...this.keysOf(key)));
  }

  /** Holder, queue, deadlines, fence; the hash tag keeps them in one cluster slot (a script needs that). */
  private keysOf(key: string): [string, string, string, string] {
    const base = `${this.prefix}{${key}}`;
    return [`${base}:holder`, `${base}:queue`, `${base}:deadlines`, `${base}:fence`];
  }

  async close(): Promise<void> {
    if (this.options.closeClient) await closeClient(this.client);
  }

  private lockOf(holderKey: string, token: number): Lock {
    const client = this.client;
    return {
      token,
      isHeld: async () => (await redisCall(client, () => client.get(holderKey))) === String(token),
      extend: async (ttlMs) =>
        Number(
          await redisCall(client, () => EXTEND.run(client, [holderKey], [String(token), Math.ceil(ttlMs)])),
        ) === 1,
      release: async () => {
        await redisCall(client, () => RELEASE.run(client, [holderKey], [String(token)]));
      },
    };
  }
}

/** Waits `ms`, or less when `signal` aborts first. */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
