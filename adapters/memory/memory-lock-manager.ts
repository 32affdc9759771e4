// Embedded LockManager: per-key FIFO queue in one process, so the messages of one conversation are
// handled in arrival order. Tokens come from one counter for all keys: strictly increasing per key too.
import { GuichetError } from '../../bot/errors';
import type { Lock, LockManager } from '../../bot/ports';

interface Holder {
  token: number;
  expiresAt: number;
}

interface Waiter {
  ttlMs: number;
  grant: (lock: Lock) => void;
  timer: NodeJS.Timeout;
}

interface KeyState {
  holder: Holder | null;
  waiters: Waiter[];
  /** Wakes the queue when the holder's TTL ends (only armed while someone waits). */
  expiryTimer: NodeJS.Timeout | null;
}

export class MemoryLockManager implements LockManager {
  private readonly keys = new Map<string, KeyState>();
  // Seeded with the clock in µs (as the Redis locks are): tokens keep increasing across restarts, so a
  // fence stored by the shared store before a restart never makes the next turns look stale.
  private lastToken = Date.now() * 1000;

  acquire(key: string, options: { ttlMs: number; waitMs: number }): Promise<Lock> {
    assertLockOptions(options);
    const state = this.stateOf(key);
    this.dropExpiredHolder(state);
    if (!state.holder && state.waiters.length === 0)
      return Promise.resolve(this.grant(key, state, options.ttlMs));

    return new Promise<Lock>((resolve, reject) => {
      const waiter: Waiter = {
        ttlMs: options.ttlMs,
        grant: resolve,
        timer: setTimeout(() => {
          state.waiters.splice(state.waiters.indexOf(waiter), 1);
          this.forgetIfIdle(key, state);
          reject(new GuichetError('LOCK_TIMEOUT', `Lock ${key} not acquired within ${options.waitMs} ms`));
        }, options.waitMs),
      };
      state.waiters.push(waiter);
      if (state.holder) this.armExpiry(key, state);
      else this.handOver(key, state);
    });
  }

  private grant(key: string, state: KeyState, ttlMs: number): Lock {
    const holder: Holder = { token: ++this.lastToken, expiresAt: Date.now() + ttlMs };
    state.holder = holder;
    const isMine = (): boolean => state.holder === holder && holder.expiresAt > Date.now();
    return {
      token: holder.token,
      isHeld: async () => isMine(),
      release: async () => {
        // Releasing an expired lock must never free a later holder's lock.
        if (state.holder !== holder) return;
        state.holder = null;
        this.handOver(key, state);
      },
    };
  }

  /** Gives the lock to the longest waiter, or forgets the key when nobody waits. */
  private handOver(key: string, state: KeyState): void {
    if (state.expiryTimer) clearTimeout(state.expiryTimer);
    state.expiryTimer = null;
    const next = state.waiters.shift();
    if (!next) {
      this.forgetIfIdle(key, state);
      return;
    }
    clearTimeout(next.timer);
    next.grant(this.grant(key, state, next.ttlMs));
    this.armExpiry(key, state);
  }

  private armExpiry(key: string, state: KeyState): void {
    if (state.expiryTimer || !state.holder || state.waiters.length === 0) return;
    const holder = state.holder;
    state.expiryTimer = setTimeout(
      () => {
        state.expiryTimer = null;
        if (state.holder === holder) {
          state.holder = null;
          this.handOver(key, state);
        }
      },
      Math.max(0, holder.expiresAt - Date.now()),
    );
  }

  private dropExpiredHolder(state: KeyState): void {
    if (state.holder && state.holder.expiresAt <= Date.now()) state.holder = null;
  }

  private stateOf(key: string): KeyState {
    let state = this.keys.get(key);
    if (!state) {
      state = { holder: null, waiters: [], expiryTimer: null };
      this.keys.set(key, state);
    }
    return state;
  }

  /** Keeps the Map to the keys in use; an idle key's holder may still be live, so only drop free keys. */
  private forgetIfIdle(key: string, state: KeyState): void {
    this.dropExpiredHolder(state);
    if (!state.holder && state.waiters.length === 0 && this.keys.get(key) === state) this.keys.delete(key);
  }
}

export function assertLockOptions(options: { ttlMs: number; waitMs: number }): void {
  if (!(options.ttlMs > 0) || !Number.isFinite(options.ttlMs)) {
    throw new GuichetError('BAD_REQUEST', `Lock ttlMs must be a positive number, got ${options.ttlMs}`);
  }
  if (!(options.waitMs >= 0) || !Number.isFinite(options.waitMs)) {
    throw new GuichetError('BAD_REQUEST', `Lock waitMs must be a non-negative number, got ${options.waitMs}`);
  }
}
