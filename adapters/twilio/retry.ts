// Retries with exponential backoff and full jitter, for calls to a provider that may be briefly
// overloaded (429) or failing (5xx, network). A permanent failure (other 4xx) is not retried.

export interface RetryOptions {
  /** Retries after the first attempt (default 3: four attempts in all). */
  retries?: number;
  /** First delay; doubled at every attempt (default 250 ms). */
  baseDelayMs?: number;
  /** Cap on one delay (default 5 s). */
  maxDelayMs?: number;
  /** Injected in tests to avoid real waiting. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  onRetry?: (info: { attempt: number; delayMs: number; error: unknown }) => void;
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Delay before retry number `attempt` (1-based): base · 2^(attempt-1), capped, with full jitter. */
export function backoffDelay(attempt: number, options: RetryOptions = {}): number {
  const base = options.baseDelayMs ?? 250;
  const cap = options.maxDelayMs ?? 5000;
  const ceiling = Math.min(cap, base * 2 ** (attempt - 1));
  // Full jitter spreads retries of many instances; never below a tenth so a retry is never immediate.
  return Math.round(ceiling * (0.1 + 0.9 * (options.random ?? Math.random)()));
}

export async function withRetry<T>(
  op: (attempt: number) => Promise<T>,
  isRetryable: (error: unknown) => boolean,
  options: RetryOptions = {},
): Promise<T> {
  const retries = options.retries ?? 3;
  const sleep = options.sleep ?? defaultSleep;
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await op(attempt);
    } catch (error) {
      if (attempt >= retries || !isRetryable(error)) throw error;
      const delayMs = backoffDelay(attempt + 1, options);
      options.onRetry?.({ attempt: attempt + 1, delayMs, error });
      await sleep(delayMs);
    }
  }
}
