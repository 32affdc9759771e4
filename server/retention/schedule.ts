// Runs the retention job inside the server every RETENTION_INTERVAL_MINUTES (first run shortly after
// start), so a deployment without cron still honours retention. `npm run retention` is the cron variant.
import type { Logger } from '../../bot/logger';
import type { SqlClient } from '../../adapters/postgres';
import type { TerritoryProvider } from '../../knowledge/territory';
import { runRetention, type RetentionReport, type TenantRetention } from './retention';

/** Each territory's retention periods, read from the current catalog (hot reload included). */
export function retentionOf(territories: TerritoryProvider): TenantRetention[] {
  return territories
    .current()
    .list()
    .map((t) => ({
      tenantId: t.id,
      transcriptsDays: t.retention.transcriptsDays,
      contactsDays: t.retention.contactsDays,
    }));
}

export interface RetentionScheduleOptions {
  sql: SqlClient;
  territories: TerritoryProvider;
  logger: Logger;
  intervalMs: number;
  /** Delay of the first run after start (default 1 minute: let the instance warm up first). */
  firstRunMs?: number;
  clock?: () => Date;
}

export interface RetentionSchedule {
  /** Runs the job now (also what the timer calls); never rejects, reports what it did. */
  runOnce(): Promise<RetentionReport[]>;
  /** Stops the timer and waits for a run in progress. */
  stop(): Promise<void>;
}

export function startRetentionSchedule(options: RetentionScheduleOptions): RetentionSchedule {
  const clock = options.clock ?? (() => new Date());
  let running: Promise<RetentionReport[]> | undefined;
  let stopped = false;

  const runOnce = (): Promise<RetentionReport[]> => {
    if (running) return running; // one run at a time per instance
    running = runRetention({ sql: options.sql, tenants: retentionOf(options.territories), now: clock() })
      .then((reports) => {
        for (const r of reports.filter((x) => x.ran)) {
          const { tenantId, ran: _ran, ...counts } = r;
          if (Object.values(counts).some((n) => n > 0))
            options.logger.info('retention job', { tenant: tenantId, ...counts });
        }
        return reports;
      })
      .catch((error: unknown) => {
        options.logger.error('retention job failed, will retry at the next interval', {
          error: String(error),
        });
        return [];
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
