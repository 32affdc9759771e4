// Redis adapters (production): conversation state, fair locks with fencing tokens, idempotency claims.
import { createRedisClient, type RedisClient, type RedisClientOptions } from './client';
import { RedisIdempotencyStore } from './redis-idempotency-store';
import { RedisLockManager } from './redis-lock-manager';
import { closeClient, RedisStateStore } from './redis-state-store';

export { createRedisClient, redisCall, RedisClientOptionsSchema } from './client';
export type { RedisClient, RedisClientOptions } from './client';
export { RedisStateStore, DEFAULT_KEY_PREFIX, closeClient } from './redis-state-store';
export type { RedisAdapterOptions } from './redis-state-store';
export { RedisLockManager } from './redis-lock-manager';
export type { RedisLockManagerOptions } from './redis-lock-manager';
export { RedisIdempotencyStore } from './redis-idempotency-store';
export { RedisEventBus, type RedisEventBusOptions } from './redis-event-bus';

export interface RedisAdapters {
  client: RedisClient;
  stateStore: RedisStateStore;
  lockManager: RedisLockManager;
  idempotencyStore: RedisIdempotencyStore;
  /** Closes the one client the three adapters share. */
  close(): Promise<void>;
}

/** One fail-fast client shared by the three adapters (what the composition root wants). */
export function createRedisAdapters(
  url: string,
  options: { keyPrefix?: string; client?: RedisClientOptions } = {},
): RedisAdapters {
  const client = createRedisClient(url, options.client);
  const shared = { client, keyPrefix: options.keyPrefix };
  return {
    client,
    stateStore: new RedisStateStore(shared),
    lockManager: new RedisLockManager(shared),
    idempotencyStore: new RedisIdempotencyStore(shared),
    close: () => closeClient(client),
  };
}
