// IdempotencyStore over Redis. A claim is one SET NX (in a script that also reads the existing
// value, so a claim is one round-trip). Values: 'p' = in progress, 'd' + result = done.
import { GuichetError } from '../../bot/errors';
import type { IdempotencyClaim, IdempotencyStore } from '../../bot/ports';
import { assertTtl } from '../memory/memory-state-store';
import { redisCall, type RedisClient } from './client';
import { closeClient, DEFAULT_KEY_PREFIX, type RedisAdapterOptions } from './redis-state-store';
import { RedisScript } from './script';

const PENDING = 'p';
const DONE = 'd';

// Returns false when claimed, else the value already there.
const CLAIM = new RedisScript(`
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'EX', ARGV[2]) then return false end
return redis.call('GET', KEYS[1])
`);

// Gives up a pending claim only: a finished key keeps its result for replays.
const ABANDON = new RedisScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`);

export class RedisIdempotencyStore implements IdempotencyStore {
  private readonly client: RedisClient;
  private readonly prefix: string;

  constructor(private readonly options: RedisAdapterOptions) {
    this.client = options.client;
    this.prefix = `${options.keyPrefix ?? DEFAULT_KEY_PREFIX}idem:`;
  }

  async claim(key: string, ttlSeconds: number): Promise<IdempotencyClaim> {
    assertTtl(ttlSeconds);
    const existing = await redisCall(this.client, () =>
      CLAIM.run(this.client, [this.prefix + key], [PENDING, Math.ceil(ttlSeconds)]),
    );
    if (existing === null || existing === undefined) return { status: 'claimed' };
    if (existing === PENDING) return { status: 'in_progress' };
    if (typeof existing === 'string' && existing.startsWith(DONE)) {
      return { status: 'done', result: existing.slice(DONE.length) };
    }
    throw new GuichetError('INTERNAL', `Unexpected idempotency value at ${key}`);
  }

  async complete(key: string, result: string, ttlSeconds: number): Promise<void> {
    assertTtl(ttlSeconds);
    await redisCall(this.client, () =>
      this.client.set(this.prefix + key, DONE + result, 'EX', Math.ceil(ttlSeconds)),
    );
  }

  async abandon(key: string): Promise<void> {
    await redisCall(this.client, () => ABANDON.run(this.client, [this.prefix + key], [PENDING]));
  }

  async close(): Promise<void> {
    if (this.options.closeClient) await closeClient(this.client);
  }
}
