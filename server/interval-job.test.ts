import type { Logger } from '../bot/logger';
import { startIntervalJob } from './interval-job';

function recordingLogger(): Logger & { errors: string[] } {
  const errors: string[] = [];
  const noop = (): void => undefined;
  return {
    errors,
    info: noop,
    warn: noop,
    error: (message: string) => {
      errors.push(message);
    },
  };
}

describe('interval job', () => {
  it('runs once at a time, reports a failure and runs again at the next call', async () => {
    const logger = recordingLogger();
    let runs = 0;
    let release: () => void = () => undefined;
    const job = startIntervalJob({
      name: 'test job',
      logger,
      intervalMs: 3_600_000,
      firstRunMs: 3_600_000,
      onFailure: -1,
      run: () => {
        runs += 1;
        if (runs === 2) return Promise.reject(new Error('store down'));
        return new Promise<number>((resolve) => (release = () => resolve(runs)));
      },
    });
    const first = job.runOnce();
    expect(job.runOnce()).toBe(first); // a second call while it runs joins the same run
    release();
    expect(await first).toBe(1);
    expect(await job.runOnce()).toBe(-1);
    expect(logger.errors).toEqual(['test job failed, will retry at the next interval']);
    const third = job.runOnce();
    const stopped = job.stop();
    release();
    await stopped; // waits for the run in progress
    expect(await third).toBe(3);
    expect(runs).toBe(3);
  });

  it('asks the run in progress to end at its next step when stopped, and waits for it', async () => {
    const steps: number[] = [];
    const job = startIntervalJob({
      name: 'long job',
      logger: recordingLogger(),
      intervalMs: 3_600_000,
      firstRunMs: 3_600_000,
      onFailure: -1,
      run: async (signal) => {
        for (let step = 1; step <= 1000 && !signal.aborted; step++) {
          steps.push(step);
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
        return steps.length;
      },
    });
    const run = job.runOnce();
    await new Promise((resolve) => setTimeout(resolve, 30));
    await job.stop(); // returns once the run has ended
    const atStop = steps.length;
    expect(atStop).toBeGreaterThan(0);
    expect(atStop).toBeLessThan(1000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(steps.length).toBe(atStop); // no step after the stop returned
    expect(await run).toBe(atStop);
  });
});

describe('interval job at a time of day', () => {
  it('asks for the delay to its next run again after each run, and stops', async () => {
    let runs = 0;
    let asked = 0;
    const job = startIntervalJob({
      name: 'daily job',
      logger: recordingLogger(),
      onFailure: -1,
      nextRunMs: () => {
        asked += 1;
        return 10;
      },
      run: () => Promise.resolve((runs += 1)),
    });
    const deadline = Date.now() + 10_000;
    while (runs < 3 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    await job.stop();
    expect(runs).toBeGreaterThanOrEqual(3);
    expect(asked).toBeGreaterThan(runs - 1);
    const atStop = runs;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(runs).toBe(atStop); // no run after the stop
  });
});
