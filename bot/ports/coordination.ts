// Ports: per-conversation locks (ordering across instances) and idempotency claims on provider
// message ids. Embedded default: memory (single process); production: Redis.
// Keys given to these ports carry no personal data: the engine builds them from a keyed hash of the
// channel address (bot/turn-coordination.ts), and `erase` forgets everything under one conversation scope.
export interface Lock {
  /** Fencing token: strictly increasing per key; a write holding an older token must be refused. */
  readonly token: number;
  /** True while the lock has not expired nor been released. */
  isHeld(): Promise<boolean>;
  /**
   * Keeps the lock `ttlMs` longer from now, if it is still ours (false once it expired or was taken over):
   * a live holder renews a short lease, so the lock of a holder that died lapses within one lease.
   */
  extend(ttlMs: number): Promise<boolean>;
  release(): Promise<void>;
  /** The answer of LockOptions.readAfter, when the lock was granted at its first attempt (see there). */
  readonly afterRead?: { value: unknown };
}

export interface LockOptions {
  ttlMs: number;
  waitMs: number;
  /** Aborting withdraws the request: the waiter leaves the queue at once and the promise rejects. */
  signal?: AbortSignal;
  /**
   * A read of what the lock protects, sent right behind the lock's first attempt so that both share one round
   * trip. Its answer comes back as `Lock.afterRead` only when that attempt got the lock and the read ran after
   * it (Redis answers one connection's commands in order: the read must go over the locks' own client, as
   * createRedisAdapters' state store does); a lock that was waited for carries none, and the caller reads again.
   */
  readAfter?: () => Promise<unknown>;
}

export interface LockManager {
  /** Waits up to `waitMs` for the lock; throws GuichetError('LOCK_TIMEOUT') after that (or once aborted). */
  acquire(key: string, options: LockOptions): Promise<Lock>;
  /** Forgets every trace of the lock `key` (holder, queue, fencing counter): used when erasing a contact. */
  erase(key: string): Promise<void>;
}

export type IdempotencyClaim =
  { status: 'claimed' } | { status: 'in_progress' } | { status: 'done'; result: string };

export interface CompleteOptions {
  /**
   * The result is kept only this long (it may hold personal data); after that, until `ttlSeconds`,
   * a replay still finds the key done and gets `residue` instead (default: empty string).
   */
  resultTtlSeconds?: number;
  residue?: string;
}

export interface IdempotencyStore {
  /** Atomically claims `key` (never check-then-set). Concurrent claims: exactly one gets 'claimed'. */
  claim(key: string, ttlSeconds: number): Promise<IdempotencyClaim>;
  /** Records the serialized result of a claimed key so replays get the same answer. */
  complete(key: string, result: string, ttlSeconds: number, options?: CompleteOptions): Promise<void>;
  /**
   * Keeps a claim in progress `ttlSeconds` longer from now (false when it is no longer in progress): the
   * owner renews a short lease while it works, so the claim of an owner that died lapses soon and the
   * provider's retry can run the turn elsewhere.
   */
  renew(key: string, ttlSeconds: number): Promise<boolean>;
  /** Gives a claim up (the turn failed before any effect), so a retry can run it. */
  abandon(key: string): Promise<void>;
  /** Forgets every key that starts with `scope + ':'` (one conversation's claims and answers). */
  eraseScope(scope: string): Promise<void>;
}
