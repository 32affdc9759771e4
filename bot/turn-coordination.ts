// Turn coordination across instances: exactly one processing per provider message (idempotency claim)
// and one turn at a time per conversation (lock with fencing token), in as few Redis round trips as
// possible (BENCHMARKS.md): the lock is asked for together with the claim, and released together with the
// recorded answer. A duplicate delivery withdraws its lock request at once and waits for the owner's
// recorded answer; it never queues for the lock, so it can never hold up the owner.
//
// Keys carry no personal data: a conversation's scope is its tenant, its channel and a keyed hash of the
// channel address (phone number, web chat conversation id…), and every idempotency key lives under the
// scope of its conversation, so one conversation can never replay or pre-empt another's message ids.
import { createHmac, randomBytes } from 'node:crypto';
import { GuichetError } from './errors';
import type { Logger } from './logger';
import type { IncomingMessage, TurnResult } from './messages';
import type { Middleware } from './pipeline';
import type { IdempotencyStore, Lock, LockManager } from './ports';

/** How long an answer is recognised as already given (a redelivery is not processed again). */
export const IDEMPOTENCY_TTL_S = 24 * 3600;
/**
 * How long the answer's text is kept for replays: it may name the citizen, and deliveries are retried
 * within seconds or minutes (Twilio's timeout, web chat and Bot Framework retries). A later replay is still
 * recognised and answers nothing rather than processing the message again.
 */
export const REPLY_KEEP_S = 15 * 60;

/** The part of a turn this module reads and writes. */
export interface CoordinatedTurn {
  message: IncomingMessage;
  tenant: { id: string };
  /** Set by scopeOf on first use: the conversation's key prefix. */
  scope?: string;
  lock?: Lock;
  /** The conversation lock, asked for together with the idempotency claim. */
  lockPending?: Promise<Lock>;
  /** Sent right behind the lock's first attempt (LockOptions.readAfter): its answer comes back on the lock. */
  readAfterLock?: () => Promise<unknown>;
  /** The lock's release, under way: awaited with the idempotency record so both share one round trip. */
  released?: Promise<void>;
  result?: TurnResult;
}

export interface ConversationAddress {
  tenantId: string;
  channel: string;
  address: string;
}

export interface TurnCoordinationOptions {
  locks: LockManager;
  idempotency: IdempotencyStore;
  logger: Logger;
  /**
   * Key of the address hash. The same on every instance sharing a Redis (else they would not see each
   * other's locks); secret, because phone numbers are few enough to be found from an unkeyed hash.
   */
  secret?: string;
  lockTtlMs?: number;
  lockWaitMs?: number;
  /** How long a duplicate waits for the owner's answer; default: the longest the owner may take. */
  replayWaitMs?: number;
  /** The lease of a lock or claim in progress, renewed by a live owner (default 5 s, at most lockTtlMs). */
  leaseMs?: number;
}

export interface TurnCoordination<T extends CoordinatedTurn> {
  /** Claims the provider message id: the owner runs the rest, a duplicate gets the owner's answer. */
  readonly claimOnce: Middleware<T>;
  /** Holds the conversation lock around the rest of the turn. */
  readonly holdLock: Middleware<T>;
  /** The conversation's key prefix (tenant, channel, keyed hash of the address). */
  scopeOf(turn: T): string;
  /** The same prefix from an address alone (erasure). */
  scopeOfAddress(address: ConversationAddress): string;
  /** Forgets the lock and every recorded answer of one conversation address (erasure of a contact). */
  forget(address: ConversationAddress): Promise<void>;
}

// One per process when the composition root gives none: engines of one process agree, and nothing
// guessable is ever used. (server/container.ts gives a deployment secret, shared by the instances.)
const PROCESS_SECRET = randomBytes(32).toString('base64url');

export function conversationScope(secret: string, address: ConversationAddress): string {
  // 128 bits of HMAC-SHA-256: stable per address, unreadable without the secret.
  const hash = createHmac('sha256', secret).update(address.address).digest('base64url').slice(0, 22);
  return `${address.tenantId}:${address.channel}:${hash}`;
}

export function createTurnCoordination<T extends CoordinatedTurn>(
  options: TurnCoordinationOptions,
): TurnCoordination<T> {
  const { locks, idempotency, logger } = options;
  const secret = options.secret ?? PROCESS_SECRET;
  const lockTtlMs = options.lockTtlMs ?? 15_000;
  const lockWaitMs = options.lockWaitMs ?? 10_000;
  // A duplicate gives up only once the owner cannot be running any more: it may wait up to lockWaitMs for
  // the conversation lock (behind the conversation's earlier messages), then hold it up to lockTtlMs.
  // (…plus a second: the claim's expiry is counted in whole seconds, and a duplicate that arrives just after the
  // claim must still outlast a dead owner's claim.)
  const replayWaitMs = options.replayWaitMs ?? lockWaitMs + lockTtlMs + 1000;
  // Leases: the lock and the claim in progress are granted for a short lease that the owner renews while
  // it works (up to lockTtlMs for the lock, lockWaitMs + lockTtlMs for the claim: a stuck turn still lets
  // go). An owner that died mid-turn (an instance killed) renews nothing: its claim and its lock lapse within
  // one lease, and the provider's retry runs the turn on another instance within the provider's own window.
  // (Before leases, the claim lasted a day and every such retry was answered with an error: a lost message.)
  const leaseMs = Math.min(options.leaseMs ?? 5_000, lockTtlMs);
  const leaseS = Math.ceil(leaseMs / 1000);

  /** Runs `renew` every third of a lease until stopped, and never past `forMs` from now. */
  const keepAlive = (renew: () => Promise<unknown>, forMs: number): (() => void) => {
    const until = Date.now() + forMs;
    const timer = setInterval(
      () => {
        if (Date.now() + leaseMs > until) return clearInterval(timer);
        renew().catch((e: unknown) => logger.warn('lease renewal failed', { error: String(e) }));
      },
      Math.max(50, Math.floor(leaseMs / 3)),
    );
    timer.unref();
    return () => clearInterval(timer);
  };

  const scopeOfAddress = (address: ConversationAddress): string => conversationScope(secret, address);
  const scopeOf = (turn: T): string =>
    (turn.scope ??= scopeOfAddress({
      tenantId: turn.tenant.id,
      channel: turn.message.channel,
      address: turn.message.address,
    }));

  const acquireLock = (turn: T, signal?: AbortSignal): Promise<Lock> =>
    locks.acquire(scopeOf(turn), {
      ttlMs: leaseMs,
      waitMs: lockWaitMs,
      signal,
      readAfter: turn.readAfterLock,
    });

  /** A lock asked for but not needed: the request is withdrawn, and given back if granted meanwhile. */
  const withdraw = (pending: Promise<Lock>, request: AbortController): void => {
    request.abort();
    pending.then((l) => l.release()).catch(() => undefined);
  };

  /** Polls the claim until the owner recorded its answer, gave the claim up, or the wait ends. */
  const awaitOwner = async (key: string) => {
    const deadline = Date.now() + replayWaitMs;
    let pause = 10;
    for (;;) {
      await new Promise((resolve) =>
        setTimeout(resolve, Math.min(pause, Math.max(0, deadline - Date.now()))),
      );
      const claim = await idempotency.claim(key, leaseS);
      if (claim.status !== 'in_progress' || Date.now() >= deadline) return claim;
      pause = Math.min(pause * 2, 100);
    }
  };

  const claimOnce: Middleware<T> = async (turn, next) => {
    const id = turn.message.providerMessageId;
    if (!id) return next();
    const key = `${scopeOf(turn)}:${id}`;
    // The lock is asked for at the same time as the claim (one round trip instead of two).
    const request = new AbortController();
    const pending = acquireLock(turn, request.signal);
    pending.catch(() => undefined); // handled where it is awaited; never an unhandled rejection meanwhile
    let claim: Awaited<ReturnType<IdempotencyStore['claim']>>;
    try {
      claim = await idempotency.claim(key, leaseS);
    } catch (error) {
      withdraw(pending, request);
      throw error;
    }
    if (claim.status === 'claimed') {
      turn.lockPending = pending;
    } else {
      // A duplicate: its lock request goes at once, so the owner never waits behind it.
      withdraw(pending, request);
      if (claim.status === 'in_progress') claim = await awaitOwner(key);
      if (claim.status === 'done') {
        const recorded = JSON.parse(claim.result) as TurnResult;
        turn.result = { ...recorded, replayed: true };
        return;
      }
      if (claim.status === 'in_progress')
        throw new GuichetError('LOCK_TIMEOUT', 'The same message is still being processed');
      // 'claimed': the owner failed or died and its claim lapsed; this delivery runs the turn (holdLock locks).
    }
    const stopRenewing = keepAlive(() => idempotency.renew(key, leaseS), lockWaitMs + lockTtlMs);
    try {
      await next();
    } catch (error) {
      await idempotency.abandon(key).catch(() => undefined);
      throw error;
    } finally {
      stopRenewing();
    }
    // Committed already: a failure to record the answer must not turn it into an error for the citizen.
    if (turn.result) {
      const residue: TurnResult = { conversationId: turn.result.conversationId, replies: [] };
      await idempotency
        .complete(key, JSON.stringify(turn.result), IDEMPOTENCY_TTL_S, {
          resultTtlSeconds: REPLY_KEEP_S,
          residue: JSON.stringify(residue),
        })
        .catch((e: unknown) => logger.error('idempotency completion failed', { error: String(e) }));
    }
  };

  const holdLock: Middleware<T> = async (turn, next) => {
    const lock = await (turn.lockPending ?? acquireLock(turn));
    turn.lock = lock;
    const stopRenewing = keepAlive(() => lock.extend(leaseMs), lockTtlMs);
    try {
      await next();
    } finally {
      stopRenewing();
      // Not awaited here: the idempotency record is sent right after it (back to back, one round trip) and
      // handleTurn awaits both. The state write before it has completed already.
      turn.released = turn.lock
        .release()
        .catch((e: unknown) => logger.warn('lock release failed', { error: String(e) }));
    }
  };

  return {
    claimOnce,
    holdLock,
    scopeOf,
    scopeOfAddress,
    async forget(address) {
      const scope = scopeOfAddress(address);
      await Promise.all([locks.erase(scope), idempotency.eraseScope(scope)]);
    },
  };
}
