// Embedded LockManager: per-key FIFO queue in one process, so the messages of one conversation are
// handled in arrival order. Tokens come from one counter for all keys: strictly increasing per key too.
import { GuichetError } from '../../bot/errors';
import type { Lock, LockManager, LockOptions } from '../../bot/ports';

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

  acquire(key: string, options: LockOptions): Promise<Lock> {
    assertLockOptions(options);
    if (options.signal?.aborted) return Promise.reject(withdrawn(key));
    const state = this.stateOf(key);
    this.dropExpiredHolder(state);
    if (!state.holder && state.waiters.length === 0) {
      const lock = this.grant(key, state, options.ttlMs);
      // In one process the read starts once the lock is held: it sees everything written before.
      const read = startRead(options.readAfter);
      return read ? lockWithRead(lock, read) : Promise.resolve(lock);
    }

    return new Promise<Lock>((resolve, reject) => {
      const leave = (error: GuichetError): void => {
        const index = state.waiters.indexOf(waiter);
        if (index < 0) return; // granted already: the caller releases it
        state.waiters.splice(index, 1);
        clearTimeout(waiter.timer);
        options.signal?.removeEventListener('abort', onAbort);
        this.forgetIfIdle(key, state);
        reject(error);
      };
      const onAbort = (): void => leave(withdrawn(key));
      const waiter: Waiter = {
        ttlMs: options.ttlMs,
        grant: (lock) => {
          options.signal?.removeEventListener('abort', onAbort);
          resolve(lock);
        },
        timer: setTimeout(
          () =>
            leave(new GuichetError('LOCK_TIMEOUT', `Lock ${key} not acquired within ${options.waitMs} ms`)),
          options.waitMs,
        ),
      };
      options.signal?.addEventListener('abort', onAbort, { once: true });
      state.waiters.push(waiter);
      if (state.holder) this.armExpiry(key, state);
      else this.handOver(key, state);
    });
  }

  async erase(key: string): Promise<void> {
    const state = this.keys.get(key);
    if (!state) return;
    // Waiters keep their place (they are live requests); only an idle key is forgotten. Tokens come from
    // one process-wide counter, so nothing per key outlives the key here.
    this.forgetIfIdle(key, state);
  }

  private grant(key: string, state: KeyState, ttlMs: number): Lock {
    const holder: Holder = { token: ++this.lastToken, expiresAt: Date.now() + ttlMs };
    state.holder = holder;
    const isMine = (): boolean => state.holder === holder && holder.expiresAt > Date.now();
    return {
      token: holder.token,
      isHeld: async () => isMine(),
      extend: async (ttlMs) => {
        if (!isMine()) return false;
        holder.expiresAt = Date.now() + ttlMs;
        // A waiter's hand-over timer was armed for the old expiry.
        if (state.expiryTimer) {
          clearTimeout(state.expiryTimer);
          state.expiryTimer = null;
          this.armExpiry(key, state);
        }
        return true;
      },
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

const withdrawn = (key: string): GuichetError =>
  new GuichetError('LOCK_TIMEOUT', `Lock ${key} request withdrawn`);

export function assertLockOptions(options: { ttlMs: number; waitMs: number }): void {
  if (!(options.ttlMs > 0) || !Number.isFinite(options.ttlMs)) {
    throw new GuichetError('BAD_REQUEST', `Lock ttlMs must be a positive number, got ${options.ttlMs}`);
  }
  if (!(options.waitMs >= 0) || !Number.isFinite(options.waitMs)) {
    throw new GuichetError('BAD_REQUEST', `Lock waitMs must be a non-negative number, got ${options.waitMs}`);
  }
}

/** The lock with the answer of its LockOptions.readAfter; without it when the read failed (the caller reads again). */
export async function lockWithRead(lock: Lock, read: Promise<unknown>): Promise<Lock> {
  try {
    return { ...lock, afterRead: { value: await read } };
  } catch {
    return lock;
  }
}

/** Starts a LockOptions.readAfter; one that throws at once is a read that failed (the lock is still returned). */
export function startRead(read: (() => Promise<unknown>) | undefined): Promise<unknown> | undefined {
  if (!read) return undefined;
  let started: Promise<unknown>;
  try {
    started = read();
  } catch (error) {
    started = Promise.reject(error);
  }
  started.catch(() => undefined); // awaited only when the lock was granted at once
  return started;
}
