// Runs the retention job inside the server every RETENTION_INTERVAL_MINUTES (first run shortly after
// start), so a deployment without cron still honours retention. `npm run retention` is the cron variant.
import type { Logger } from '../../bot/logger';
import type { MediaStore } from '../../bot/ports';
import type { SqlClient } from '../../adapters/postgres';
import type { TerritoryProvider } from '../../knowledge/territory';
import { startIntervalJob, type IntervalJob } from '../interval-job';
import { runRetention, type RetentionReport, type TenantRetention } from './retention';

/** Each territory's retention periods, read from the current catalog (hot reload included). */
export function retentionOf(territories: TerritoryProvider): TenantRetention[] {
  return territories
    .current()
    .summaries()
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
  /** The photos of anonymised requests and contacts are deleted from it. */
  media?: MediaStore;
}

export type RetentionSchedule = IntervalJob<RetentionReport[]>;

export function startRetentionSchedule(options: RetentionScheduleOptions): RetentionSchedule {
  const clock = options.clock ?? (() => new Date());
  return startIntervalJob({
    name: 'retention job',
    logger: options.logger,
    intervalMs: options.intervalMs,
    firstRunMs: options.firstRunMs,
    onFailure: [],
    run: async (signal) => {
      const reports = await runRetention({
        signal,
        sql: options.sql,
        tenants: retentionOf(options.territories),
        now: clock(),
        media: options.media,
      });
      for (const r of reports.filter((x) => x.ran)) {
        const { tenantId, ran: _ran, ...counts } = r;
        if (Object.values(counts).some((n) => n > 0))
          options.logger.info('retention job', { tenant: tenantId, ...counts });
      }
      return reports;
    },
  });
}
