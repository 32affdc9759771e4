// Contracts of LockManager and IdempotencyStore, run against every implementation (memory, Redis).
import { randomUUID } from 'node:crypto';
import type { IdempotencyStore, LockManager } from '../../bot/ports';
import { expectGuichetError, sleep } from './helpers';

export interface CoordinationFixture<T> {
  subject: T;
  dispose?: () => Promise<void>;
}

function withFixture<T>(make: () => CoordinationFixture<T> | Promise<CoordinationFixture<T>>): () => T {
  let fixture: CoordinationFixture<T>;
  beforeEach(async () => {
    fixture = await make();
  });
  afterEach(async () => {
    await fixture.dispose?.();
  });
  return () => fixture.subject;
}

export function lockManagerContract(
  make: () => CoordinationFixture<LockManager> | Promise<CoordinationFixture<LockManager>>,
): void {
  const locks = withFixture(make);
  const key = (): string => `conv-${randomUUID()}`;
  const long = { ttlMs: 10_000, waitMs: 5_000 };

  it('lets one holder at a time into the critical section', async () => {
    const k = key();
    let inside = 0;
    let maxInside = 0;
    let entered = 0;
    await Promise.all(
      Array.from({ length: 6 }, async () => {
        const lock = await locks().acquire(k, long);
        inside++;
        entered++;
        maxInside = Math.max(maxInside, inside);
        await sleep(15);
        inside--;
        await lock.release();
      }),
    );
    expect(entered).toBe(6);
    expect(maxInside).toBe(1);
  });

  it('hands the lock to 10 waiters in the order they asked (messages of a conversation in arrival order)', async () => {
    const k = key();
    const first = await locks().acquire(k, long);
    const order: number[] = [];
    const waiters = Array.from({ length: 10 }, (_, i) =>
      locks()
        .acquire(k, long)
        .then(async (lock) => {
          order.push(i);
          await sleep(2);
          await lock.release();
        }),
    );
    await sleep(50); // every waiter is queued before the first holder lets go
    await first.release();
    await Promise.all(waiters);
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('runs a read sent with a free lock once the lock is held, and gives its answer back on the lock', async () => {
    const k = key();
    // The read asks for the same lock without waiting: refused only if the first lock is held by then (a read
    // that ran before the lock was granted would have got it, and the first request would have had to wait).
    const probe = async () => {
      try {
        await (await locks().acquire(k, { ttlMs: 1_000, waitMs: 0 })).release();
        return 'free';
      } catch {
        return 'held';
      }
    };
    const lock = await locks().acquire(k, { ...long, readAfter: probe });
    expect(lock.afterRead).toEqual({ value: 'held' });
    await lock.release();
  });

  it('gives no read back when the lock had to be waited for, or when the read failed', async () => {
    const k = key();
    const first = await locks().acquire(k, long);
    const waited = locks().acquire(k, {
      ...long,
      readAfter: () => Promise.resolve('before the holder let go'),
    });
    await sleep(30);
    await first.release();
    const lock = await waited;
    expect(lock.afterRead).toBeUndefined();
    await lock.release();

    const failed = await locks().acquire(k, { ...long, readAfter: () => Promise.reject(new Error('down')) });
    expect(failed.afterRead).toBeUndefined();
    expect(await failed.isHeld()).toBe(true);
    await failed.release();

    const thrown = await locks().acquire(k, {
      ...long,
      readAfter: () => {
        throw new Error('refused at once');
      },
    });
    expect(thrown.afterRead).toBeUndefined();
    expect(await thrown.isHeld()).toBe(true);
    await thrown.release();
  });

  it('gives strictly increasing fencing tokens to successive holders', async () => {
    const k = key();
    const tokens: number[] = [];
    for (let i = 0; i < 5; i++) {
      const lock = await locks().acquire(k, long);
      tokens.push(lock.token);
      await lock.release();
    }
    for (let i = 1; i < tokens.length; i++) expect(tokens[i]).toBeGreaterThan(tokens[i - 1] as number);
    expect(tokens.every((t) => Number.isSafeInteger(t) && t > 0)).toBe(true);
  });

  it('reports an expired lock as no longer held; the next holder gets a newer token', async () => {
    const k = key();
    const old = await locks().acquire(k, { ttlMs: 200, waitMs: 0 });
    expect(await old.isHeld()).toBe(true);
    await sleep(450);
    expect(await old.isHeld()).toBe(false);
    const next = await locks().acquire(k, { ttlMs: 10_000, waitMs: 1_000 });
    expect(next.token).toBeGreaterThan(old.token);
    // The late holder releasing its expired lock must not free the new holder's.
    await old.release();
    expect(await next.isHeld()).toBe(true);
    await next.release();
  });

  it('keeps an extended lock past its first lease; a waiter gets it once its holder stops extending', async () => {
    const k = key();
    // Margins of hundreds of milliseconds: a loaded CI machine stalls the event loop that long (seen: a 300 ms
    // lease extended after a 200 ms sleep had already run out).
    const holder = await locks().acquire(k, { ttlMs: 1_000, waitMs: 0 });
    await sleep(200);
    expect(await holder.extend(2_500)).toBe(true);
    await sleep(1_200); // past the first lease: still held thanks to the extension
    expect(await holder.isHeld()).toBe(true);
    await expectGuichetError(locks().acquire(k, { ttlMs: 1_000, waitMs: 50 }), 'LOCK_TIMEOUT');
    const next = await locks().acquire(k, { ttlMs: 10_000, waitMs: 10_000 });
    expect(next.token).toBeGreaterThan(holder.token);
    // The former holder can no longer extend what is now someone else's.
    expect(await holder.extend(10_000)).toBe(false);
    expect(await next.isHeld()).toBe(true);
    await next.release();
  });

  it('passes the lock to a waiter when the holder dies without releasing (TTL)', async () => {
    const k = key();
    const crashed = await locks().acquire(k, { ttlMs: 250, waitMs: 0 });
    const next = await locks().acquire(k, { ttlMs: 10_000, waitMs: 5_000 });
    expect(await next.isHeld()).toBe(true);
    expect(next.token).toBeGreaterThan(crashed.token);
    await next.release();
  });

  it('fails with LOCK_TIMEOUT when the lock stays taken, and the timed-out waiter does not block the queue', async () => {
    const k = key();
    const holder = await locks().acquire(k, long);
    await expectGuichetError(locks().acquire(k, { ttlMs: 1_000, waitMs: 120 }), 'LOCK_TIMEOUT');
    await holder.release();
    const next = await locks().acquire(k, { ttlMs: 1_000, waitMs: 0 });
    expect(await next.isHeld()).toBe(true);
    await next.release();
  });

  it('is not held after release, and can be taken again at once', async () => {
    const k = key();
    const lock = await locks().acquire(k, long);
    await lock.release();
    expect(await lock.isHeld()).toBe(false);
    await lock.release(); // releasing twice is harmless
    const again = await locks().acquire(k, { ttlMs: 1_000, waitMs: 0 });
    expect(await again.isHeld()).toBe(true);
    await again.release();
  });

  it('keeps keys independent', async () => {
    const a = await locks().acquire(key(), long);
    const b = await locks().acquire(key(), { ttlMs: 1_000, waitMs: 0 });
    expect(await a.isHeld()).toBe(true);
    expect(await b.isHeld()).toBe(true);
    await Promise.all([a.release(), b.release()]);
  });

  it('withdraws an aborted request at once: the waiter behind it gets the lock, the withdrawn one never does', async () => {
    const k = key();
    const holder = await locks().acquire(k, long);
    const request = new AbortController();
    const withdrawn = locks().acquire(k, { ...long, signal: request.signal });
    await sleep(30); // queued before the next one asks
    const next = locks().acquire(k, long);
    await sleep(30);
    request.abort();
    await expectGuichetError(withdrawn, 'LOCK_TIMEOUT');
    await holder.release();
    const lock = await next;
    expect(await lock.isHeld()).toBe(true);
    expect(lock.token).toBeGreaterThan(holder.token);
    await lock.release();
  });

  it('refuses a request whose signal is already aborted, and leaves the lock free', async () => {
    const k = key();
    const request = new AbortController();
    request.abort();
    await expectGuichetError(locks().acquire(k, { ...long, signal: request.signal }), 'LOCK_TIMEOUT');
    const lock = await locks().acquire(k, { ttlMs: 1_000, waitMs: 0 });
    expect(await lock.isHeld()).toBe(true);
    await lock.release();
  });

  it('forgets an erased lock; the next holder still gets a newer token', async () => {
    const k = key();
    const first = await locks().acquire(k, long);
    await first.release();
    await locks().erase(k);
    await locks().erase(key()); // erasing an unknown key is harmless
    const again = await locks().acquire(k, { ttlMs: 1_000, waitMs: 0 });
    expect(again.token).toBeGreaterThan(first.token);
    await again.release();
  });
}

export function idempotencyContract(
  make: () => CoordinationFixture<IdempotencyStore> | Promise<CoordinationFixture<IdempotencyStore>>,
): void {
  const store = withFixture(make);
  const key = (): string => `SM${randomUUID().replace(/-/g, '')}`;

  it('gives exactly one of 3 concurrent claims the right to run', async () => {
    const k = key();
    const claims = await Promise.all([1, 2, 3].map(() => store().claim(k, 60)));
    expect(claims.filter((c) => c.status === 'claimed')).toHaveLength(1);
    expect(claims.filter((c) => c.status === 'in_progress')).toHaveLength(2);
  });

  it('answers a replay with the stored result once completed', async () => {
    const k = key();
    expect(await store().claim(k, 60)).toEqual({ status: 'claimed' });
    const result = JSON.stringify({
      replies: [{ type: 'text', text: 'Votre demande DEM-2026-000123 est enregistrée.' }],
    });
    await store().complete(k, result, 60);
    expect(await store().claim(k, 60)).toEqual({ status: 'done', result });
  });

  it('keeps a renewed claim in progress past its first lease, and lets a lapsed one be claimed again', async () => {
    const renewed = key();
    const lapsed = key();
    await store().claim(renewed, 1);
    await store().claim(lapsed, 1);
    await sleep(600);
    expect(await store().renew(renewed, 2)).toBe(true);
    await sleep(700); // the first lease is over: only the renewed claim is still in progress
    expect(await store().claim(renewed, 1)).toEqual({ status: 'in_progress' });
    expect(await store().claim(lapsed, 1)).toEqual({ status: 'claimed' });
  });

  it('renews only a claim in progress: never a finished one, nor one that is gone', async () => {
    const done = key();
    await store().claim(done, 60);
    await store().complete(done, 'answer', 60);
    expect(await store().renew(done, 60)).toBe(false);
    expect(await store().claim(done, 60)).toEqual({ status: 'done', result: 'answer' });
    expect(await store().renew(key(), 60)).toBe(false);
  });

  it('lets a retry run again after the claim was abandoned', async () => {
    const k = key();
    await store().claim(k, 60);
    await store().abandon(k);
    expect(await store().claim(k, 60)).toEqual({ status: 'claimed' });
  });

  it('keeps a completed result when abandon comes late', async () => {
    const k = key();
    await store().claim(k, 60);
    await store().complete(k, 'done-result', 60);
    await store().abandon(k);
    expect(await store().claim(k, 60)).toEqual({ status: 'done', result: 'done-result' });
  });

  it('keeps claims apart', async () => {
    const a = key();
    await store().claim(a, 60);
    expect(await store().claim(key(), 60)).toEqual({ status: 'claimed' });
  });

  it('forgets a claim after its TTL', async () => {
    const k = key();
    await store().claim(k, 1);
    await sleep(1_300);
    expect(await store().claim(k, 60)).toEqual({ status: 'claimed' });
  });

  it('keeps the result only as long as asked, then answers the residue until the key expires', async () => {
    const k = key();
    await store().claim(k, 60);
    await store().complete(k, 'reply naming the citizen', 60, { resultTtlSeconds: 1, residue: 'answered' });
    expect(await store().claim(k, 60)).toEqual({ status: 'done', result: 'reply naming the citizen' });
    await sleep(1_300);
    expect(await store().claim(k, 60)).toEqual({ status: 'done', result: 'answered' });
  });

  it('erases every key of one scope, and only those', async () => {
    const scope = `t:webchat:${key()}`;
    const neighbour = `${scope}x`; // shares the scope as a string prefix, not as a scope
    for (const k of [`${scope}:m1`, `${scope}:m2`, `${neighbour}:m1`]) {
      await store().claim(k, 60);
      await store().complete(k, `result of ${k}`, 60);
    }
    await store().claim(`${scope}:m3`, 60); // in progress
    await store().eraseScope(scope);
    for (const k of [`${scope}:m1`, `${scope}:m2`, `${scope}:m3`])
      expect(await store().claim(k, 60)).toEqual({ status: 'claimed' });
    expect(await store().claim(`${neighbour}:m1`, 60)).toEqual({
      status: 'done',
      result: `result of ${neighbour}:m1`,
    });
  });
}
