// The open-data aggregates (backoffice/open-data): counts per day, category, commune and channel, the window's
// medians, and the open public-space places for the map. Only aggregates and positions leave here.
// The counts and medians read the requests' covering index (requests_indicators_idx, migration 0021), as the
// steering indicators do, with the bi_requests view's definitions of "resolved" and of the resolution time: through
// the view, each territory's pass read every request it ever had from the table's pages (2,500 pages per territory
// on the generated platform, the daily job over 2,000 territories slowing the citizens' turns; BENCHMARKS.md).
import type {
  DailyCell,
  OpenDataStore,
  OpenDataWindow,
  OpenPlace,
  ResolutionMedian,
  SatisfactionTotal,
} from '../../../backoffice/open-data/ports';
import type { RequestStatus } from '../../../bot/ports';
import type { SqlClient } from '../sql-client';
import { guarded, RESOLUTION_SECONDS } from './sql';

const hours = (seconds: unknown): number | null =>
  seconds === null || seconds === undefined ? null : Math.round((Number(seconds) / 3600) * 10) / 10;

/**
 * Requests created on the window's days, in the territory's time zone. The range on `created_at`, a day wider on
 * each side, is what the index can seek (the local date alone is computed per row); the dates keep it exact.
 */
const IN_WINDOW = `tenant_id = $1
  AND created_at >= ($3::date - 1)::timestamp AT TIME ZONE $2::text
  AND created_at < ($4::date + 2)::timestamp AT TIME ZONE $2::text
  AND (created_at AT TIME ZONE $2::text)::date BETWEEN $3::date AND $4::date`;

export class PostgresOpenDataStore implements OpenDataStore {
  constructor(private readonly sql: SqlClient) {}

  dailyCells(w: OpenDataWindow): Promise<DailyCell[]> {
    return guarded('openDataDailyCells', async () => {
      const result = await this.sql.query<{
        day: string;
        type: string;
        category: string | null;
        commune: string | null;
        channel: string;
        requests: number | string;
        resolved: number | string;
        median: number | null;
      }>(
        `SELECT to_char(created_at AT TIME ZONE $2::text, 'YYYY-MM-DD') AS day, type, payload_category AS category,
           commune_id AS commune, channel, count(*)::int AS requests,
           (count(*) FILTER (WHERE status = 'resolved'))::int AS resolved,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY ${RESOLUTION_SECONDS}) AS median
         FROM requests WHERE ${IN_WINDOW}
         GROUP BY 1, type, payload_category, commune_id, channel
         ORDER BY 1, type, payload_category, commune_id, channel`,
        [w.tenantId, w.timeZone, w.fromDay, w.toDay],
      );
      return result.rows.map((r) => ({
        day: r.day,
        type: r.type,
        category: r.category,
        commune: r.commune,
        channel: r.channel,
        requests: Number(r.requests),
        resolved: Number(r.resolved),
        medianResolutionHours: hours(r.median),
      }));
    });
  }

  resolutionMedians(w: OpenDataWindow): Promise<ResolutionMedian[]> {
    return guarded('openDataResolutionMedians', async () => {
      const result = await this.sql.query<{
        type: string | null;
        category: string | null;
        overall: number | string;
        resolved: number | string;
        median: number | null;
      }>(
        `SELECT type, category, GROUPING(type) AS overall, count(resolution_seconds)::int AS resolved,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY resolution_seconds) AS median
         FROM (SELECT type, payload_category AS category, ${RESOLUTION_SECONDS} AS resolution_seconds
               FROM requests WHERE ${IN_WINDOW}) AS w
         GROUP BY GROUPING SETS ((type, category), ()) ORDER BY type, category`,
        [w.tenantId, w.timeZone, w.fromDay, w.toDay],
      );
      return result.rows.map((r) => ({
        type: Number(r.overall) === 1 ? null : r.type,
        category: r.category,
        resolved: Number(r.resolved),
        medianResolutionHours: hours(r.median),
      }));
    });
  }

  satisfaction(w: OpenDataWindow): Promise<SatisfactionTotal> {
    return guarded('openDataSatisfaction', async () => {
      const result = await this.sql.query<{
        answered: number | string;
        satisfied: number | string;
        mean: number | string | null;
      }>(
        `SELECT count(*)::int AS answered, (count(*) FILTER (WHERE score >= 4))::int AS satisfied,
           avg(score)::float8 AS mean
         FROM satisfaction_answers
         WHERE tenant_id = $1 AND score IS NOT NULL
           AND (answered_at AT TIME ZONE $2::text)::date BETWEEN $3::date AND $4::date`,
        [w.tenantId, w.timeZone, w.fromDay, w.toDay],
      );
      const row = result.rows[0];
      return {
        answered: Number(row?.answered ?? 0),
        satisfied: Number(row?.satisfied ?? 0),
        mean: row?.mean === null || row?.mean === undefined ? null : Number(row.mean),
      };
    });
  }

  openPlaces(
    tenantId: string,
    timeZone: string,
    types: readonly string[],
    limit: number,
  ): Promise<OpenPlace[]> {
    return guarded('openDataOpenPlaces', async () => {
      const result = await this.sql.query<{
        type: string;
        category: string | null;
        status: RequestStatus;
        day: string;
        lat: number;
        lon: number;
      }>(
        `SELECT type, payload ->> 'category' AS category, status,
           to_char(created_at AT TIME ZONE $2::text, 'YYYY-MM-DD') AS day, lat, lon
         FROM requests
         WHERE tenant_id = $1 AND status IN ('received', 'in_progress') AND type = ANY($3::text[])
           AND lat IS NOT NULL AND lon IS NOT NULL
         ORDER BY created_at DESC LIMIT $4`,
        [tenantId, timeZone, [...types], limit],
      );
      return result.rows.map((r) => ({ ...r, lat: Number(r.lat), lon: Number(r.lon) }));
    });
  }
}
