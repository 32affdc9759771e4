// Ports: per-conversation locks (ordering across instances) and idempotency claims on provider
// message ids. Embedded default: memory (single process); production: Redis.
export interface Lock {
  /** Fencing token: strictly increasing per key; a write holding an older token must be refused. */
  readonly token: number;
  /** True while the lock has not expired nor been released. */
  isHeld(): Promise<boolean>;
  release(): Promise<void>;
}

export interface LockManager {
  /** Waits up to `waitMs` for the lock; throws GuichetError('LOCK_TIMEOUT') after that. */
  acquire(key: string, options: { ttlMs: number; waitMs: number }): Promise<Lock>;
}

export type IdempotencyClaim =
  { status: 'claimed' } | { status: 'in_progress' } | { status: 'done'; result: string };

export interface IdempotencyStore {
  /** Atomically claims `key` (never check-then-set). Concurrent claims: exactly one gets 'claimed'. */
  claim(key: string, ttlSeconds: number): Promise<IdempotencyClaim>;
  /** Records the serialized result of a claimed key so replays get the same answer. */
  complete(key: string, result: string, ttlSeconds: number): Promise<void>;
  /** Gives a claim up (the turn failed before any effect), so a retry can run it. */
  abandon(key: string): Promise<void>;
}
