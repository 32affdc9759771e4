// A job the server runs by itself every interval (first run shortly after start), so a deployment without
// cron still gets it: one run at a time per instance, a failure logged and retried at the next interval,
// timers that never keep the process alive, and a stop that waits for the run in progress.
import type { Logger } from '../bot/logger';

export interface IntervalJobOptions<T> {
  /** For the logs. */
  name: string;
  run: () => Promise<T>;
  /** What runOnce gives when the run failed. */
  onFailure: T;
  logger: Logger;
  intervalMs: number;
  /** Delay of the first run after start (default 1 minute: let the instance warm up first). */
  firstRunMs?: number;
}

export interface IntervalJob<T> {
  /** Runs the job now (also what the timer calls); never rejects. */
  runOnce(): Promise<T>;
  /** Stops the timer and waits for a run in progress. */
  stop(): Promise<void>;
}

export function startIntervalJob<T>(options: IntervalJobOptions<T>): IntervalJob<T> {
  let running: Promise<T> | undefined;
  let stopped = false;

  const runOnce = (): Promise<T> => {
    if (running) return running;
    running = options
      .run()
      .catch((error: unknown) => {
        options.logger.error(`${options.name} failed, will retry at the next interval`, {
          error: String(error),
        });
        return options.onFailure;
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  };

  const tick = (): void => {
    if (!stopped) void runOnce();
  };
  const first = setTimeout(tick, options.firstRunMs ?? 60_000);
  const timer = setInterval(tick, options.intervalMs);
  first.unref();
  timer.unref();

  return {
    runOnce,
    async stop() {
      stopped = true;
      clearTimeout(first);
      clearInterval(timer);
      await running;
    },
  };
}
