// Writes that arrive in the same turn of the event loop, handed over together in the next one (its check phase,
// setImmediate): one statement for all of them instead of one each. A statement costs PostgreSQL far more than its
// rows (BENCHMARKS.md), and under load many turns, or the rows of one relay batch, reach the store together.
// Nothing waits longer than the turn it arrived in.

/** An item waiting in a batch, and how its caller is answered. */
export interface Waiting<T, R> {
  item: T;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

/**
 * `add(item)` answers once `flush` has settled that item. `flush` receives every item added during one turn of the
 * event loop and must settle each (its own outcome or error); an error it throws rejects those it left unsettled.
 */
export function sameTickBatch<T, R>(
  flush: (waiting: Waiting<T, R>[]) => Promise<void>,
): (item: T) => Promise<R> {
  let waiting: Waiting<T, R>[] = [];
  const flushWaiting = (): void => {
    const batch = waiting;
    waiting = []; // items added from now on go to the next batch
    flush(batch).catch((error: unknown) => batch.forEach((w) => w.reject(error)));
  };
  return (item) =>
    new Promise<R>((resolve, reject) => {
      if (waiting.push({ item, resolve, reject }) === 1) setImmediate(flushWaiting);
    });
}

/** A batch written as a whole by `write(items)`: every item answers when it is written, or fails with it. */
export function sameTickGroup<T>(write: (items: T[]) => Promise<void>): (item: T) => Promise<void> {
  return sameTickBatch<T, void>(async (waiting) => {
    await write(waiting.map((w) => w.item));
    for (const w of waiting) w.resolve();
  });
}
