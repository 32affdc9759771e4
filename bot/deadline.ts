// A promise given a deadline: readiness checks, the resolver's DNS lookups, the metrics' database reading. The
// promise itself is left to settle on its own (Promise.race listens to it, so a late rejection is never an
// unhandled one), and the timer never holds the process up.

/** `promise`, or a rejection with `reason()` once `ms` have passed. */
export function withDeadline<T>(promise: Promise<T>, ms: number, reason: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(reason()), ms);
    timer.unref();
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}
