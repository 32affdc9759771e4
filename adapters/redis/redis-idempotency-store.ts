// IdempotencyStore over Redis. A claim is one SET NX (in a script that also reads the existing
// value, so a claim is one round-trip). Two keys per claim, in one cluster slot (hash tag):
// the marker `idem:{key}` ('p' = in progress, 'd' + residue = done) and `idem:{key}:r`, the result,
// which may expire sooner (it may hold personal data; the marker alone still stops a redo).
import { GuichetError } from '../../bot/errors';
import type { CompleteOptions, IdempotencyClaim, IdempotencyStore } from '../../bot/ports';
import { assertTtl } from '../memory/memory-state-store';
import { redisCall, type RedisClient } from './client';
import { closeClient, DEFAULT_KEY_PREFIX, type RedisAdapterOptions } from './redis-state-store';
import { deleteMatching, globEscape, RedisScript } from './script';

const PENDING = 'p';
const DONE = 'd';

// KEYS: marker, result. Returns false when claimed, else 'p', or 'd' + the result (or the residue once
// the result has expired).
const CLAIM = new RedisScript(`
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'EX', ARGV[2]) then return false end
local marker = redis.call('GET', KEYS[1])
if marker and string.sub(marker, 1, 1) == 'd' then
  local result = redis.call('GET', KEYS[2])
  if result then return 'd' .. result end
end
return marker
`);

// KEYS: marker, result. ARGV: 'd' + residue, ttl s, result, result ttl s.
const COMPLETE = new RedisScript(`
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
redis.call('SET', KEYS[2], ARGV[3], 'EX', ARGV[4])
return 1
`);

// KEYS: marker. ARGV: 'p', ttl s. Extends a pending claim only.
const RENEW = new RedisScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('EXPIRE', KEYS[1], ARGV[2]) end
return 0
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
      CLAIM.run(this.client, this.keysOf(key), [PENDING, Math.ceil(ttlSeconds)]),
    );
    if (existing === null || existing === undefined) return { status: 'claimed' };
    if (existing === PENDING) return { status: 'in_progress' };
    if (typeof existing === 'string' && existing.startsWith(DONE)) {
      return { status: 'done', result: existing.slice(DONE.length) };
    }
    throw new GuichetError('INTERNAL', `Unexpected idempotency value at ${key}`);
  }

  async renew(key: string, ttlSeconds: number): Promise<boolean> {
    assertTtl(ttlSeconds);
    const renewed = await redisCall(this.client, () =>
      RENEW.run(this.client, this.keysOf(key).slice(0, 1), [PENDING, Math.ceil(ttlSeconds)]),
    );
    return Number(renewed) === 1;
  }

  async complete(
    key: string,
    result: string,
    ttlSeconds: number,
    options: CompleteOptions = {},
  ): Promise<void> {
    assertTtl(ttlSeconds);
    const resultTtl = Math.min(options.resultTtlSeconds ?? ttlSeconds, ttlSeconds);
    assertTtl(resultTtl);
    await redisCall(this.client, () =>
      COMPLETE.run(this.client, this.keysOf(key), [
        DONE + (options.residue ?? ''),
        Math.ceil(ttlSeconds),
        result,
        Math.ceil(resultTtl),
      ]),
    );
  }

  async abandon(key: string): Promise<void> {
    await redisCall(this.client, () => ABANDON.run(this.client, this.keysOf(key).slice(0, 1), [PENDING]));
  }

  async eraseScope(scope: string): Promise<void> {
    await deleteMatching(this.client, `${this.prefix}{${globEscape(scope)}:*`);
  }

  private keysOf(key: string): [string, string] {
    const marker = `${this.prefix}{${key}}`;
    return [marker, `${marker}:r`];
  }

  async close(): Promise<void> {
    if (this.options.closeClient) await closeClient(this.client);
  }
}
