// ConversationStateStore over Redis. One hash per conversation: `v` (version) and `d` (compact JSON).
// The version check and the write happen in one Lua script, so two instances can never both win.
import { z } from 'zod';
import { GuichetError } from '../../bot/errors';
import type { ConversationStateStore, JsonObject, VersionedState } from '../../bot/ports';
import { assertTtl } from '../memory/memory-state-store';
import { redisCall, type RedisClient } from './client';
import { RedisScript } from './script';

// Returns the new version, or -1 when the stored version is not the expected one.
const SET_IF_VERSION = new RedisScript(`
local current = tonumber(redis.call('HGET', KEYS[1], 'v') or '0')
if current ~= tonumber(ARGV[1]) then return -1 end
local version = current + 1
redis.call('HSET', KEYS[1], 'v', version, 'd', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return version
`);

const StoredSchema = z.tuple([z.string().regex(/^\d+$/), z.string()]);

export interface RedisAdapterOptions {
  client: RedisClient;
  /** Prepended to every key (one per deployment; tests use a unique one). */
  keyPrefix?: string;
  /** Whether close() also closes the client (false when the client is shared). */
  closeClient?: boolean;
}

export const DEFAULT_KEY_PREFIX = 'guichet:';

export class RedisStateStore implements ConversationStateStore {
  private readonly client: RedisClient;
  private readonly prefix: string;

  constructor(private readonly options: RedisAdapterOptions) {
    this.client = options.client;
    this.prefix = `${options.keyPrefix ?? DEFAULT_KEY_PREFIX}state:`;
  }

  async get(key: string): Promise<VersionedState | null> {
    const raw = await redisCall(this.client, () => this.client.hmget(this.prefix + key, 'v', 'd'));
    if (raw[0] === null || raw[0] === undefined) return null;
    const parsed = StoredSchema.safeParse(raw);
    if (!parsed.success) throw new GuichetError('INTERNAL', `Corrupt conversation state at ${key}`);
    const [version, json] = parsed.data;
    // JSON.parse only ever yields JSON: checking it is an object is enough here (readState checks its shape).
    const data: unknown = JSON.parse(json);
    if (typeof data !== 'object' || data === null || Array.isArray(data))
      throw new GuichetError('INTERNAL', `Corrupt conversation state at ${key}`);
    return { data: data as JsonObject, version: Number(version) };
  }

  async set(key: string, data: JsonObject, expectedVersion: number, ttlSeconds: number): Promise<number> {
    assertTtl(ttlSeconds);
    const result = await redisCall(this.client, () =>
      SET_IF_VERSION.run(
        this.client,
        [this.prefix + key],
        [expectedVersion, JSON.stringify(data), Math.ceil(ttlSeconds * 1000)],
      ),
    );
    const version = Number(result);
    if (version === -1)
      throw new GuichetError('STALE_STATE', `State ${key} is not at version ${expectedVersion}`);
    return version;
  }

  async delete(key: string): Promise<void> {
    await redisCall(this.client, () => this.client.del(this.prefix + key));
  }

  async ping(): Promise<void> {
    await redisCall(this.client, () => this.client.ping());
  }

  async close(): Promise<void> {
    if (this.options.closeClient) await closeClient(this.client);
  }
}

/** QUIT when connected, else just drop the socket (QUIT would be rejected while Redis is down). */
export async function closeClient(client: RedisClient): Promise<void> {
  if (client.status === 'end') return;
  if (client.status === 'ready') {
    try {
      await client.quit();
      return;
    } catch {
      // fall through: the connection is already gone
    }
  }
  client.disconnect();
}
