// A job the server runs by itself every interval (first run shortly after start), so a deployment without
// cron still gets it: one run at a time per instance, a failure logged and retried at the next interval,
// timers that never keep the process alive, and a stop that asks the run in progress to end at its next step
// (its signal) and waits for it: a job walking 2,000 territories must not hold a SIGTERM for minutes.
import type { Logger } from '../bot/logger';

interface IntervalJobBase<T> {
  /** For the logs. */
  name: string;
  /** The signal is aborted by stop(): a long run checks it between its steps and returns what it has done. */
  run: (signal: AbortSignal) => Promise<T>;
  /** What runOnce gives when the run failed. */
  onFailure: T;
  logger: Logger;
}

/** Either every interval (the first run shortly after start), or at the times nextRunMs gives. */
export type IntervalJobOptions<T> = IntervalJobBase<T> &
  (
    | {
        intervalMs: number;
        /** Delay of the first run after start (default 1 minute: let the instance warm up first). */
        firstRunMs?: number;
        nextRunMs?: never;
      }
    | {
        /**
         * The delay to each next run, asked again after every run (a time of day, see time-of-day.ts, whose
         * interval is not always 24 h).
         */
        nextRunMs: () => number;
        intervalMs?: never;
        firstRunMs?: never;
      }
  );

export interface IntervalJob<T> {
  /** Runs the job now (also what the timer calls); never rejects. */
  runOnce(): Promise<T>;
  /** Stops the timer, aborts the signal of a run in progress and waits for it. */
  stop(): Promise<void>;
}

export function startIntervalJob<T>(options: IntervalJobOptions<T>): IntervalJob<T> {
  /** The run in progress, with what stop() aborts. */
  let running: { result: Promise<T>; controller: AbortController } | undefined;
  let stopped = false;

  const runOnce = (): Promise<T> => {
    if (running) return running.result;
    const controller = new AbortController();
    // (The executor calls run at once; a synchronous throw becomes a failed run like a rejection.)
    const result = new Promise<T>((resolve) => resolve(options.run(controller.signal)))
      .catch((error: unknown) => {
        options.logger.error(`${options.name} failed, will retry at the next interval`, {
          error: String(error),
        });
        return options.onFailure;
      })
      .finally(() => {
        running = undefined;
      });
    running = { result, controller };
    return result;
  };

  const tick = (): void => {
    if (!stopped) void runOnce();
  };
  // Every timer is unref'd: a job never keeps the process alive.
  const timers: NodeJS.Timeout[] = [];
  if (options.nextRunMs) {
    const { nextRunMs } = options;
    const schedule = (): void => {
      const timer = setTimeout(() => {
        timers.length = 0;
        tick();
        if (!stopped) schedule();
      }, nextRunMs());
      timers.push(timer.unref());
    };
    schedule();
  } else {
    timers.push(setTimeout(tick, options.firstRunMs ?? 60_000).unref());
    timers.push(setInterval(tick, options.intervalMs).unref());
  }

  return {
    runOnce,
    async stop() {
      stopped = true;
      for (const timer of timers) clearTimeout(timer); // (clears an interval too)
      running?.controller.abort();
      await running?.result;
    },
  };
}
