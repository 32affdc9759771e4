// Territorial indicators, computed from the BI views of migration 0002 (the dashboards and the API read
// the same definitions): counts per type, channel, commune, ISO week and status in one GROUPING SETS
// statement, medians with percentile_cont, conversation rates from bi_conversations.
import type { IndicatorStore, IndicatorsQuery } from '../../../backoffice/ports';
import type { IndicatorsView } from '../../../backoffice/schemas';
import type { SqlClient, SqlExecutor } from '../sql-client';
import { guarded } from './sql';

interface GroupRow {
  type: string | null;
  channel: string | null;
  commune: string | null;
  week: string | null;
  status: string | null;
  g_type: number;
  g_channel: number;
  g_commune: number;
  g_week: number;
  g_status: number;
  n: number | string;
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const rate = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null);

export async function indicators(sql: SqlExecutor, q: IndicatorsQuery): Promise<IndicatorsView> {
  const base = [q.tenantId, q.from, q.to, q.authorityId, q.timeZone];
  const groups = await sql.query<GroupRow>(
    `WITH base AS (
       SELECT type, channel, COALESCE(commune_id, 'unknown') AS commune, status,
         to_char(created_at AT TIME ZONE $5::text, 'IYYY-"W"IW') AS week
       FROM bi_requests
       WHERE tenant_id = $1 AND created_at >= $2::timestamptz AND created_at < $3::timestamptz
         AND ($4::text IS NULL OR authority_id = $4::text)
     )
     SELECT type, channel, commune, week, status,
       GROUPING(type) AS g_type, GROUPING(channel) AS g_channel, GROUPING(commune) AS g_commune,
       GROUPING(week) AS g_week, GROUPING(status) AS g_status, count(*)::int AS n
     FROM base GROUP BY GROUPING SETS ((type), (channel), (commune), (week), (status), ())`,
    base,
  );
  const timings = await sql.query<{ first_response: number | null; resolution: number | null }>(
    `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY first_response_seconds) AS first_response,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY resolution_seconds) AS resolution
     FROM bi_requests
     WHERE tenant_id = $1 AND created_at >= $2::timestamptz AND created_at < $3::timestamptz
       AND ($4::text IS NULL OR authority_id = $4::text)`,
    base.slice(0, 4),
  );
  const conversations = await sql.query<{
    total: number | string;
    handed_over: number | string;
    fallbacks: number | string | null;
    bot_turns: number | string | null;
    first_reply: number | null;
  }>(
    `SELECT count(*)::int AS total, (count(*) FILTER (WHERE handed_over))::int AS handed_over,
       COALESCE(sum(nlu_fallbacks), 0)::int AS fallbacks, COALESCE(sum(bot_turns), 0)::int AS bot_turns,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY first_agent_reply_seconds) AS first_reply
     FROM bi_conversations WHERE tenant_id = $1 AND created_at >= $2::timestamptz AND created_at < $3::timestamptz`,
    base.slice(0, 3),
  );

  const pick = (flag: keyof GroupRow, key: keyof GroupRow) =>
    groups.rows
      .filter((r) => Number(r[flag]) === 0)
      .map((r) => ({ key: String(r[key]), count: Number(r.n) }))
      .sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
  const total = groups.rows.find((r) =>
    [r.g_type, r.g_channel, r.g_commune, r.g_week, r.g_status].every((g) => Number(g) === 1),
  );
  const c = conversations.rows[0];
  const convTotal = Number(c?.total ?? 0);
  const handedOver = Number(c?.handed_over ?? 0);
  const botTurns = Number(c?.bot_turns ?? 0);

  return {
    tenantId: q.tenantId,
    from: q.from.toISOString(),
    to: q.to.toISOString(),
    timeZone: q.timeZone,
    requests: {
      total: Number(total?.n ?? 0),
      byType: pick('g_type', 'type'),
      byChannel: pick('g_channel', 'channel'),
      byCommune: pick('g_commune', 'commune'),
      byWeek: pick('g_week', 'week').sort((a, b) => a.key.localeCompare(b.key)),
      byStatus: pick('g_status', 'status'),
      medianFirstResponseSeconds: num(timings.rows[0]?.first_response),
      medianResolutionSeconds: num(timings.rows[0]?.resolution),
    },
    conversations: {
      total: convTotal,
      containmentRate: rate(convTotal - handedOver, convTotal),
      handoverRate: rate(handedOver, convTotal),
      nluFallbackRate: rate(Number(c?.fallbacks ?? 0), botTurns),
      botTurns,
      medianFirstAgentReplySeconds: num(c?.first_reply),
    },
  };
}

export class PostgresIndicatorStore implements IndicatorStore {
  constructor(private readonly sql: SqlClient) {}

  indicators(query: IndicatorsQuery): Promise<IndicatorsView> {
    return guarded('indicators', () => indicators(this.sql, query));
  }
}
