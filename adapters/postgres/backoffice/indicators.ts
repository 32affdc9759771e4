// Territorial indicators: the SQL of the definitions in backoffice/indicators/definitions.ts. Six statements,
// each one pass over the period's rows: requests counted by every breakdown at once (GROUPING SETS), their
// delays (median and 90th percentile, overall and per service level), the backlog at the period's end (three
// narrow indexes, migration 0021), conversations, callbacks and interventions. First response and first
// assignment are read from the request row (kept by a trigger from the timeline, migration 0021). Every
// statement reads its rows from a covering index (migration 0021) and groups by day in the time zone; weeks,
// ISO weeks and months are made from those days here. One read-only snapshot for all of them, with enough
// work memory to sort a year of requests without spilling to disk.
import type { IndicatorStore, IndicatorsQuery } from '../../../backoffice/ports';
import type { IndicatorsView } from '../../../backoffice/schemas';
import { DateTime } from 'luxon';
import { AGEING_BUCKETS } from '../../../backoffice/indicators/definitions';
import type { SqlClient, SqlExecutor } from '../sql-client';
import { guarded, RESOLUTION_SECONDS } from './sql';
import {
  addInto,
  binSql,
  BINS,
  countAtMost,
  countOf,
  emptyHistogram,
  percentileOf,
  ROLLUP_ZONE,
} from './indicators-rollup';
import { botTurns, materialiseTurns } from './indicators-turns';

type Num = number | string | null;
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const int = (v: unknown): number => Number(v ?? 0);
const rate = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null);
const spread = (count: Num, median: Num, p90: Num) => ({
  count: int(count),
  median: num(median),
  p90: num(p90),
});
const byCount = (a: { key: string; count: number }, b: { key: string; count: number }) =>
  b.count - a.count || a.key.localeCompare(b.key);

/** The period's requests of the scope, with their service level's delay (days) and the key of that level. */
const PERIOD_REQUESTS = `
  period AS (
    SELECT r.type, r.payload_category AS category, r.channel, r.commune_id, r.authority_id, r.status,
      r.created_at, r.updated_at, r.resolved_at, r.first_response_at, r.first_assigned_at,
      COALESCE(slc.days, sld.days) AS sl_days,
      CASE WHEN slc.days IS NOT NULL THEN r.type || ':' || slc.category
           WHEN sld.days IS NOT NULL THEN r.type END AS sl_key
    FROM requests r
    LEFT JOIN levels slc ON slc.type = r.type AND slc.category = r.payload_category
    LEFT JOIN levels sld ON sld.type = r.type AND sld.category IS NULL
    WHERE r.tenant_id = $1 AND r.created_at >= $2::timestamptz AND r.created_at < $3::timestamptz
      AND ($4::text IS NULL OR r.authority_id = $4::text)
  )`;
const LEVELS = `levels AS (SELECT * FROM jsonb_to_recordset($5::jsonb) AS l(type text, category text, days float8))`;

interface CountRow {
  type: string | null;
  category: string | null;
  channel: string | null;
  commune: string | null;
  authority: string | null;
  status: string | null;
  day: string | null;
  g: number | string;
  n: number | string;
  resolved: number | string;
}

// GROUPING(type, category, channel, commune, authority, status, day): a bit per column, 1 = rolled up.
const SETS: Record<string, number> = {
  type: 0b0111111,
  category: 0b0011111,
  channel: 0b1101111,
  commune: 0b1110111,
  authority: 0b1111011,
  status: 0b1111101,
  day: 0b1111110,
  total: 0b1111111,
};

async function requestCounts(sql: SqlExecutor, base: unknown[]) {
  return sql.query<CountRow>(
    `WITH ${LEVELS}, ${PERIOD_REQUESTS},
     labelled AS (
       SELECT type, CASE WHEN category IS NOT NULL THEN type || ':' || category END AS category, channel,
         COALESCE(commune_id, 'unknown') AS commune, authority_id AS authority, status,
         (created_at AT TIME ZONE $6::text)::date AS d
       FROM period
     )
     SELECT type, category, channel, commune, authority, status, to_char(d, 'YYYY-MM-DD') AS day,
       GROUPING(type, category, channel, commune, authority, status, d) AS g,
       count(*)::int AS n, (count(*) FILTER (WHERE status = 'resolved'))::int AS resolved
     FROM labelled
     GROUP BY GROUPING SETS ((type), (type, category), (channel), (commune), (authority), (status), (d), ())`,
    base,
  );
}

interface DelayRow {
  sl_key: string | null;
  g: number | string;
  sl_days: Num;
  fr_n: Num;
  fr_med: Num;
  fr_p90: Num;
  as_n: Num;
  as_med: Num;
  as_p90: Num;
  re_n: Num;
  re_med: Num;
  re_p90: Num;
  due: Num;
  within: Num;
}

/** Medians and 90th percentiles of the three delays, overall and per service level; resolved in time. */
async function delays(sql: SqlExecutor, base: unknown[]) {
  return sql.query<DelayRow>(
    `WITH ${LEVELS}, ${PERIOD_REQUESTS},
     timed AS (
       SELECT sl_key, sl_days,
         EXTRACT(EPOCH FROM first_response_at - created_at)::float8 AS fr,
         EXTRACT(EPOCH FROM first_assigned_at - created_at)::float8 AS asg,
         ${RESOLUTION_SECONDS} AS re,
         sl_days IS NOT NULL AND status <> 'rejected'
           AND (status = 'resolved' OR created_at + make_interval(secs => sl_days * 86400) < $3::timestamptz) AS due,
         sl_days IS NOT NULL AND status = 'resolved'
           AND COALESCE(resolved_at, updated_at) <= created_at + make_interval(secs => sl_days * 86400) AS within
       FROM period
     )
     SELECT sl_key, GROUPING(sl_key) AS g, max(sl_days) AS sl_days,
       count(fr) AS fr_n, percentile_cont(0.5) WITHIN GROUP (ORDER BY fr) AS fr_med,
       percentile_cont(0.9) WITHIN GROUP (ORDER BY fr) AS fr_p90,
       count(asg) AS as_n, percentile_cont(0.5) WITHIN GROUP (ORDER BY asg) AS as_med,
       percentile_cont(0.9) WITHIN GROUP (ORDER BY asg) AS as_p90,
       count(re) AS re_n, percentile_cont(0.5) WITHIN GROUP (ORDER BY re) AS re_med,
       percentile_cont(0.9) WITHIN GROUP (ORDER BY re) AS re_p90,
       count(*) FILTER (WHERE due) AS due, count(*) FILTER (WHERE within) AS within
     FROM timed GROUP BY GROUPING SETS ((), (sl_key))`,
    base,
  );
}

interface Spread {
  count: number;
  median: number | null;
  p90: number | null;
}
interface InTime {
  due: number;
  withinLevel: number;
  rate: number | null;
}
/** The delays of the period, overall and per service level, whichever way they were computed. */
interface Timing {
  firstResponse: Spread;
  assignment: Spread;
  resolution: Spread;
  inTime: InTime;
  byServiceLevel: ({ key: string; days: number; resolution: Spread } & InTime)[];
}

const inTimeOf = (due: Num, within: Num): InTime => ({
  due: int(due),
  withinLevel: int(within),
  rate: rate(int(within), int(due)),
});

/** The exact figures of the requests themselves (short periods, or a time zone other than the roll-up's). */
function timingOf(rows: DelayRow[]): Timing {
  const overall = rows.find((r) => Number(r.g) === 1);
  return {
    firstResponse: spread(overall?.fr_n ?? 0, overall?.fr_med ?? null, overall?.fr_p90 ?? null),
    assignment: spread(overall?.as_n ?? 0, overall?.as_med ?? null, overall?.as_p90 ?? null),
    resolution: spread(overall?.re_n ?? 0, overall?.re_med ?? null, overall?.re_p90 ?? null),
    inTime: inTimeOf(overall?.due ?? 0, overall?.within ?? 0),
    byServiceLevel: rows
      .filter((r) => Number(r.g) === 0 && r.sl_key !== null)
      .map((r) => ({
        key: r.sl_key!,
        days: Number(r.sl_days),
        resolution: spread(r.re_n, r.re_med, r.re_p90),
        ...inTimeOf(r.due, r.within),
      })),
  };
}

/**
 * The whole days (in the roll-up's zone) inside [from, to), read from the roll-up; the hours before the first
 * and after the last are read from the requests. Among those days, the whole months [firstMonth, endMonth) are
 * read from the monthly level (migration 0028), the days around them from the daily one (both equal to endDay
 * when no whole month fits). Null when the query's zone is another or no whole day fits.
 */
interface RollupSplit {
  firstDay: string;
  endDay: string;
  firstMonth: string;
  endMonth: string;
  head: { from: Date; to: Date };
  tail: { from: Date; to: Date };
}
function rollupSplit(q: IndicatorsQuery): RollupSplit | null {
  if (q.timeZone !== ROLLUP_ZONE) return null;
  let first = DateTime.fromJSDate(q.from, { zone: ROLLUP_ZONE }).startOf('day');
  if (first.toMillis() < q.from.getTime()) first = first.plus({ days: 1 });
  const end = DateTime.fromJSDate(q.to, { zone: ROLLUP_ZONE }).startOf('day');
  if (first >= end) return null;
  const firstMonth = (first.day === 1 ? first : first.startOf('month').plus({ months: 1 })).toISODate()!;
  const endMonth = end.startOf('month').toISODate()!;
  const months = firstMonth < endMonth;
  return {
    firstDay: first.toISODate()!,
    endDay: end.toISODate()!,
    firstMonth: months ? firstMonth : end.toISODate()!,
    endMonth: months ? endMonth : end.toISODate()!,
    head: { from: q.from, to: first.toJSDate() },
    tail: { from: end.toJSDate(), to: q.to },
  };
}

/** The SQL condition "this daily row is one of the days around the whole months" ($2..$5: the split's bounds). */
const EDGE_DAYS = '((day >= $2::date AND day < $3::date) OR (day >= $4::date AND day < $5::date))';
const splitParams = (s: RollupSplit) => [s.firstDay, s.firstMonth, s.endMonth, s.endDay];

const DIM_SETS: Record<string, keyof CountRow> = {
  type: 'type',
  category: 'category',
  channel: 'channel',
  commune: 'commune',
  authority: 'authority',
  status: 'status',
};
const NO_KEYS = {
  type: null,
  category: null,
  channel: null,
  commune: null,
  authority: null,
  status: null,
  day: null,
};

/** The roll-up's counts of the whole days (months, and the days around them), as the rows requestCounts gives. */
async function rollupCounts(sql: SqlExecutor, q: IndicatorsQuery, split: RollupSplit): Promise<CountRow[]> {
  // Keys whose requests all left (moved to another day, deleted) keep a row of zeros: not a breakdown.
  const dims = await sql.query<{ dim: string; key: string; n: Num; resolved: Num }>(
    `SELECT dim, key, sum(n)::int AS n, sum(resolved)::int AS resolved
     FROM (
       SELECT dim, key, n, resolved FROM request_monthly_counts
       WHERE tenant_id = $1 AND month >= $3::date AND month < $4::date AND ($6::text IS NULL OR authority_id = $6::text)
       UNION ALL
       SELECT dim, key, n, resolved FROM request_daily_counts
       WHERE tenant_id = $1 AND ${EDGE_DAYS} AND ($6::text IS NULL OR authority_id = $6::text)
     ) c
     GROUP BY 1, 2
     HAVING sum(n) <> 0`,
    [q.tenantId, ...splitParams(split), q.authorityId],
  );
  // Each day's total (the trend, ISO weeks): the days' total rows only, from their own index.
  const days = await sql.query<{ day: string; n: Num; resolved: Num }>(
    `SELECT to_char(day, 'YYYY-MM-DD') AS day, sum(n)::int AS n, sum(resolved)::int AS resolved
     FROM request_daily_counts
     WHERE tenant_id = $1 AND dim = 'total' AND day >= $2::date AND day < $3::date
       AND ($4::text IS NULL OR authority_id = $4::text)
     GROUP BY day
     HAVING sum(n) <> 0`,
    [q.tenantId, split.firstDay, split.endDay, q.authorityId],
  );
  const out: CountRow[] = [];
  for (const r of days.rows)
    out.push({ ...NO_KEYS, day: r.day, g: SETS.day!, n: int(r.n), resolved: int(r.resolved) });
  for (const r of dims.rows) {
    const counts = { n: int(r.n), resolved: int(r.resolved) };
    if (r.dim === 'total') out.push({ ...NO_KEYS, g: SETS.total!, ...counts });
    // The category's set is (type, category), as requestCounts groups it: the edges' rows carry the type too.
    else if (r.dim === 'category')
      out.push({ ...NO_KEYS, type: r.key.split(':')[0]!, category: r.key, g: SETS.category!, ...counts });
    else if (DIM_SETS[r.dim]) out.push({ ...NO_KEYS, [DIM_SETS[r.dim]!]: r.key, g: SETS[r.dim]!, ...counts });
  }
  return out;
}

/** Sums rows of the same grouping set and keys (the whole days' and the edges'). */
function mergeCounts(rows: CountRow[]): CountRow[] {
  const out = new Map<string, CountRow>();
  for (const r of rows) {
    const key = [r.g, r.type, r.category, r.channel, r.commune, r.authority, r.status, r.day].join('\u0001');
    const seen = out.get(key);
    if (seen) {
      seen.n = int(seen.n) + int(r.n);
      seen.resolved = int(seen.resolved) + int(r.resolved);
    } else out.set(key, { ...r, g: Number(r.g), n: int(r.n), resolved: int(r.resolved) });
  }
  return [...out.values()];
}

interface Histograms {
  fr: number[];
  asg: number[];
  re: number[];
}
const emptyHistograms = (): Histograms => ({
  fr: emptyHistogram(),
  asg: emptyHistogram(),
  re: emptyHistogram(),
});
const spreadOf = (h: number[]): Spread => ({
  count: countOf(h),
  median: percentileOf(h, 0.5),
  p90: percentileOf(h, 0.9),
});

/**
 * The delays from the roll-up's histograms (whole days) and the requests' own bins (the edges): counts exact,
 * percentiles and "within the level" within one bin. Due requests still open are counted on the requests
 * themselves (few, on the index of open requests): whether they are due depends on the period's end.
 */
async function rollupTiming(
  sql: SqlExecutor,
  q: IndicatorsQuery,
  split: RollupSplit,
  levels: string,
): Promise<Timing> {
  // The three histograms as one text, split here: node-postgres's array parser took most of the time.
  type HistRow = { type: string; category: string | null; h: string };
  const days = await sql.query<HistRow>(
    `SELECT type, NULLIF(category, '') AS category, array_to_string(fr || asg || re, ',') AS h
     FROM request_monthly_delays
     WHERE tenant_id = $1 AND month >= $3::date AND month < $4::date AND ($6::text IS NULL OR authority_id = $6::text)
     UNION ALL
     SELECT type, NULLIF(category, '') AS category, array_to_string(fr || asg || re, ',') AS h
     FROM request_daily_delays
     WHERE tenant_id = $1 AND ${EDGE_DAYS} AND ($6::text IS NULL OR authority_id = $6::text)`,
    [q.tenantId, ...splitParams(split), q.authorityId],
  );
  const edge = (from: Date, to: Date) =>
    sql.query<{
      type: string;
      category: string | null;
      bfr: number | null;
      basg: number | null;
      bre: number | null;
    }>(
      `SELECT type, payload_category AS category,
         ${binSql('EXTRACT(EPOCH FROM first_response_at - created_at)::float8')} AS bfr,
         ${binSql('EXTRACT(EPOCH FROM first_assigned_at - created_at)::float8')} AS basg,
         ${binSql(RESOLUTION_SECONDS)} AS bre
       FROM requests WHERE tenant_id = $1 AND created_at >= $2::timestamptz AND created_at < $3::timestamptz
         AND ($4::text IS NULL OR authority_id = $4::text)`,
      [q.tenantId, from, to, q.authorityId],
    );
  const openDue = await sql.query<{ type: string; category: string | null; n: Num }>(
    `WITH ${LEVELS}
     SELECT r.type, r.payload_category AS category, count(*)::int AS n
     FROM requests r
     LEFT JOIN levels slc ON slc.type = r.type AND slc.category = r.payload_category
     LEFT JOIN levels sld ON sld.type = r.type AND sld.category IS NULL
     WHERE r.tenant_id = $1 AND r.status IN ('received', 'in_progress')
       AND r.created_at >= $2::timestamptz AND r.created_at < $3::timestamptz
       AND ($4::text IS NULL OR r.authority_id = $4::text)
       AND r.created_at + make_interval(secs => COALESCE(slc.days, sld.days) * 86400) < $3::timestamptz
     GROUP BY 1, 2`,
    [q.tenantId, q.from, q.to, q.authorityId, levels],
  );
  const byKind = new Map<string, Histograms & { type: string; category: string | null }>();
  const histogramsOf = (type: string, category: string | null) => {
    const key = `${type}\u0001${category ?? ''}`;
    let h = byKind.get(key);
    if (!h) byKind.set(key, (h = { type, category, ...emptyHistograms() }));
    return h;
  };
  for (const r of days.rows) {
    const h = histogramsOf(r.type, r.category);
    const bins = r.h.split(',');
    for (let i = 0; i < BINS; i++) {
      h.fr[i]! += Number(bins[i]);
      h.asg[i]! += Number(bins[BINS + i]);
      h.re[i]! += Number(bins[2 * BINS + i]);
    }
  }
  for (const part of [split.head, split.tail]) {
    if (part.from >= part.to) continue;
    for (const r of (await edge(part.from, part.to)).rows) {
      const h = histogramsOf(r.type, r.category);
      if (r.bfr !== null) h.fr[r.bfr - 1]! += 1;
      if (r.basg !== null) h.asg[r.basg - 1]! += 1;
      if (r.bre !== null) h.re[r.bre - 1]! += 1;
    }
  }
  // The service level of a type and category: the category's own, else the type's (as PERIOD_REQUESTS reads it).
  const serviceLevels = q.serviceLevels ?? [];
  const levelOf = (type: string, category: string | null) => {
    const own =
      category === null ? undefined : serviceLevels.find((l) => l.type === type && l.category === category);
    if (own) return { key: `${type}:${category}`, days: own.days };
    const general = serviceLevels.find((l) => l.type === type && (l.category ?? null) === null);
    return general ? { key: type, days: general.days } : null;
  };
  const openDueOf = new Map(openDue.rows.map((r) => [`${r.type}\u0001${r.category ?? ''}`, int(r.n)]));
  const all = emptyHistograms();
  const levelled = new Map<string, { days: number; re: number[]; due: number; within: number }>();
  for (const [key, h] of byKind) {
    addInto(all.fr, h.fr);
    addInto(all.asg, h.asg);
    addInto(all.re, h.re);
    const level = levelOf(h.type, h.category);
    if (!level) continue;
    let l = levelled.get(level.key);
    if (!l) levelled.set(level.key, (l = { days: level.days, re: emptyHistogram(), due: 0, within: 0 }));
    addInto(l.re, h.re);
    l.due += countOf(h.re) + (openDueOf.get(key) ?? 0);
    l.within += countAtMost(h.re, level.days * 86_400);
  }
  // Open requests due whose kind had no delay at all in the period.
  for (const r of openDue.rows) {
    const key = `${r.type}\u0001${r.category ?? ''}`;
    if (byKind.has(key)) continue;
    const level = levelOf(r.type, r.category);
    if (!level) continue;
    let l = levelled.get(level.key);
    if (!l) levelled.set(level.key, (l = { days: level.days, re: emptyHistogram(), due: 0, within: 0 }));
    l.due += int(r.n);
  }
  const levels_ = [...levelled];
  return {
    firstResponse: spreadOf(all.fr),
    assignment: spreadOf(all.asg),
    resolution: spreadOf(all.re),
    inTime: inTimeOf(
      levels_.reduce((n, [, l]) => n + l.due, 0),
      levels_.reduce((n, [, l]) => n + l.within, 0),
    ),
    byServiceLevel: levels_.map(([key, l]) => ({
      key,
      days: l.days,
      resolution: spreadOf(l.re),
      ...inTimeOf(l.due, l.within),
    })),
  };
}

/**
 * Requests open at the period's end (created before it, not resolved or rejected before it), by age in whole
 * days at that end.
 * Three parts, each on its own narrow index: open now, resolved since, rejected since (rejection time: the
 * request's last change).
 */
async function backlog(sql: SqlExecutor, q: IndicatorsQuery) {
  // Age in whole days ≥ b ⇔ created at or before the end minus b × 24 h: the buckets compare instants (from the
  // indexes alone) instead of computing every request's age in numeric arithmetic.
  const bounds = AGEING_BUCKETS.slice(0, -1).map(
    (b) => new Date(q.to.getTime() - ((b.maxDays ?? 0) + 1) * 86_400_000),
  );
  const bucket = `CASE ${bounds.map((_, i) => `WHEN created_at > $${4 + i}::timestamptz THEN ${i}`).join(' ')} ELSE ${bounds.length} END`;
  return sql.query<{ bucket: number; n: number | string }>(
    `WITH open_at_end AS (
       SELECT created_at FROM requests WHERE tenant_id = $1 AND status IN ('received', 'in_progress')
         AND created_at < $2::timestamptz AND ($3::text IS NULL OR authority_id = $3::text)
       UNION ALL
       SELECT created_at FROM requests WHERE tenant_id = $1 AND status = 'resolved' AND resolved_at >= $2::timestamptz
         AND created_at < $2::timestamptz AND ($3::text IS NULL OR authority_id = $3::text)
       UNION ALL
       SELECT created_at FROM requests WHERE tenant_id = $1 AND status = 'rejected' AND updated_at >= $2::timestamptz
         AND created_at < $2::timestamptz AND ($3::text IS NULL OR authority_id = $3::text)
     )
     SELECT ${bucket} AS bucket, count(*)::int AS n
     FROM open_at_end GROUP BY 1`,
    [q.tenantId, q.to, q.authorityId, ...bounds],
  );
}

interface ConversationRow {
  channel: string | null;
  day: string | null;
  g: number | string;
  total: Num;
  handed_over: Num;
  fallbacks: Num;
  wait_n: Num;
  wait_med: Num;
  wait_p90: Num;
}

/** Conversations of the tenant (they belong to no authority) by channel and day. */
async function conversations(sql: SqlExecutor, q: IndicatorsQuery, split: RollupSplit | null) {
  const rows = split ? { rows: await rollupConversations(sql, q, split) } : await liveConversations(sql, q);
  // The bot's turns: the citizens' messages the NLU read during the period (per day once the day is over).
  const turns = await botTurns(sql, q.tenantId, q.from, q.to, split);
  return { rows: rows.rows, botTurns: turns };
}

/**
 * The conversations of the whole days from the roll-up, of the edges from the conversations themselves, as
 * the rows liveConversations gives (the waiting time's percentiles within one bin).
 */
async function rollupConversations(
  sql: SqlExecutor,
  q: IndicatorsQuery,
  split: RollupSplit,
): Promise<ConversationRow[]> {
  type Part = { channel: string; day: string; total: Num; handed_over: Num; fallbacks: Num; h: string };
  const days = await sql.query<Part>(
    `SELECT channel, to_char(day, 'YYYY-MM-DD') AS day, total, handed_over, fallbacks,
       array_to_string(wait, ',') AS h
     FROM conversation_daily WHERE tenant_id = $1 AND day >= $2::date AND day < $3::date AND total <> 0`,
    [q.tenantId, split.firstDay, split.endDay],
  );
  const edge = (from: Date, to: Date) =>
    from >= to
      ? Promise.resolve({ rows: [] as Part[] })
      : sql.query<Part>(
          `SELECT channel, to_char((created_at AT TIME ZONE $4::text)::date, 'YYYY-MM-DD') AS day, 1 AS total,
             (handed_over_at IS NOT NULL)::int AS handed_over, nlu_fallbacks AS fallbacks,
             ${binSql('EXTRACT(EPOCH FROM first_agent_reply_at - handed_over_at)::float8')}::text AS h
           FROM conversations WHERE tenant_id = $1 AND created_at >= $2::timestamptz AND created_at < $3::timestamptz`,
          [q.tenantId, from, to, q.timeZone],
        );
  const parts = [...(await edge(split.head.from, split.head.to)).rows, ...days.rows];
  parts.push(...(await edge(split.tail.from, split.tail.to)).rows);
  type Sum = { total: number; handed_over: number; fallbacks: number };
  const zero = (): Sum => ({ total: 0, handed_over: 0, fallbacks: 0 });
  const byChannel = new Map<string, Sum>();
  const byDay = new Map<string, Sum>();
  const all = zero();
  const wait = emptyHistogram();
  for (const p of parts) {
    for (const s of [
      byChannel.get(p.channel) ?? byChannel.set(p.channel, zero()).get(p.channel)!,
      byDay.get(p.day) ?? byDay.set(p.day, zero()).get(p.day)!,
      all,
    ]) {
      s.total += int(p.total);
      s.handed_over += int(p.handed_over);
      s.fallbacks += int(p.fallbacks);
    }
    // A day's histogram, or an edge conversation's bin (none without an agent's reply).
    const bins = p.h === null ? [] : p.h.split(',');
    if (bins.length === 1) wait[Number(bins[0]) - 1]! += 1;
    else bins.forEach((n, i) => (wait[i]! += Number(n)));
  }
  const row = (channel: string | null, day: string | null, g: number, s: Sum): ConversationRow => ({
    channel,
    day,
    g,
    ...s,
    wait_n: null,
    wait_med: null,
    wait_p90: null,
  });
  return [
    {
      ...row(null, null, 3, all),
      wait_n: countOf(wait),
      wait_med: percentileOf(wait, 0.5),
      wait_p90: percentileOf(wait, 0.9),
    },
    ...[...byChannel].filter(([, s]) => s.total !== 0).map(([c, s]) => row(c, null, 1, s)),
    ...[...byDay].filter(([, s]) => s.total !== 0).map(([d, s]) => row(null, d, 2, s)),
  ];
}

async function liveConversations(sql: SqlExecutor, q: IndicatorsQuery) {
  return sql.query<ConversationRow>(
    `WITH c AS (
       SELECT channel, handed_over_at, nlu_fallbacks,
         EXTRACT(EPOCH FROM first_agent_reply_at - handed_over_at)::float8 AS wait,
         (created_at AT TIME ZONE $4::text)::date AS d
       FROM conversations WHERE tenant_id = $1 AND created_at >= $2::timestamptz AND created_at < $3::timestamptz
     )
     SELECT channel, to_char(d, 'YYYY-MM-DD') AS day, GROUPING(channel, d) AS g, count(*)::int AS total,
       (count(*) FILTER (WHERE handed_over_at IS NOT NULL))::int AS handed_over,
       COALESCE(sum(nlu_fallbacks), 0)::int AS fallbacks,
       count(wait) AS wait_n, percentile_cont(0.5) WITHIN GROUP (ORDER BY wait) AS wait_med,
       percentile_cont(0.9) WITHIN GROUP (ORDER BY wait) AS wait_p90
     FROM c GROUP BY GROUPING SETS ((), (channel), (d))`,
    [q.tenantId, q.from, q.to, q.timeZone],
  );
}

async function callbacksAndInterventions(sql: SqlExecutor, q: IndicatorsQuery, split: RollupSplit | null) {
  const callbacks = await sql.query<{ due: Num; kept: Num }>(
    `SELECT count(*)::int AS due,
       (count(*) FILTER (WHERE status = 'done' AND handled_at <= promised_by))::int AS kept
     FROM callbacks WHERE tenant_id = $1 AND promised_by >= $2::timestamptz AND promised_by < $3::timestamptz`,
    [q.tenantId, q.from, q.to],
  );
  // Each intervention carries its request's authority (migration 0031): one authority's work needs no join.
  const live = (from: string, to: string) =>
    `SELECT i.team_id::text AS team, count(*)::int AS n
     FROM interventions i
     WHERE i.tenant_id = $1 AND i.status = 'done' AND i.updated_at >= ${from} AND i.updated_at < ${to}
       AND ($4::text IS NULL OR i.authority_id = $4::text)
     GROUP BY i.team_id`;
  // The whole days from the daily level (migration 0028), the hours around them from the rows.
  const parts = split
    ? `${live('$2::timestamptz', '$5::timestamptz')}
         UNION ALL
         SELECT NULLIF(team_id, ''), sum(n)::int FROM intervention_daily_done
         WHERE tenant_id = $1 AND day >= $7::date AND day < $8::date
           AND ($4::text IS NULL OR authority_id = $4::text)
         GROUP BY team_id
         UNION ALL
         ${live('$6::timestamptz', '$3::timestamptz')}`
    : live('$2::timestamptz', '$3::timestamptz');
  const params = split
    ? [q.tenantId, q.from, q.to, q.authorityId, split.head.to, split.tail.from, split.firstDay, split.endDay]
    : [q.tenantId, q.from, q.to, q.authorityId];
  const interventions = await sql.query<{ team: string | null; name: string | null; n: Num }>(
    `SELECT p.team, t.name, sum(p.n)::int AS n
     FROM (${parts}) p
     LEFT JOIN teams t ON t.id::text = p.team
     GROUP BY p.team, t.name
     HAVING sum(p.n) <> 0`,
    params,
  );
  return { callbacks: callbacks.rows[0], interventions: interventions.rows };
}

interface CsatRow {
  channel: string | null;
  type: string | null;
  team: string | null;
  team_name: string | null;
  g: Num;
  n: Num;
  satisfied: Num;
  mean: Num;
}

/**
 * Satisfaction answers given within the period, by channel, service and team at once. One authority's figures
 * count only its requests' answers (a conversation after an agent belongs to no authority).
 */
async function satisfaction(sql: SqlExecutor, q: IndicatorsQuery) {
  return sql.query<CsatRow>(
    `WITH answered AS (
       SELECT s.channel, COALESCE(r.type, 'conversation') AS type, COALESCE(r.team_id::text, 'none') AS team,
         t.name AS team_name, s.score
       FROM satisfaction_answers s
       LEFT JOIN requests r ON r.id = s.request_id
       LEFT JOIN teams t ON t.id = r.team_id
       WHERE s.tenant_id = $1 AND s.score IS NOT NULL
         AND s.answered_at >= $2::timestamptz AND s.answered_at < $3::timestamptz
         AND ($4::text IS NULL OR r.authority_id = $4::text)
     )
     SELECT channel, type, team, max(team_name) AS team_name, GROUPING(channel, type, team) AS g,
       count(*)::int AS n, (count(*) FILTER (WHERE score >= 4))::int AS satisfied, avg(score)::float8 AS mean
     FROM answered GROUP BY GROUPING SETS ((channel), (type), (team), ())`,
    [q.tenantId, q.from, q.to, q.authorityId],
  );
}

const csatOf = (r: CsatRow | undefined) => {
  const count = int(r?.n);
  const satisfied = int(r?.satisfied);
  return { count, satisfied, rate: rate(satisfied, count), mean: count > 0 ? num(r?.mean) : null };
};

/** "2026-03-09" → "2026-W11" (ISO 8601 week of that day). */
function isoWeek(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  const weekday = (d.getUTCDay() + 6) % 7; // Monday = 0
  const thursday = new Date(d.getTime() + (3 - weekday) * 86_400_000);
  const year = thursday.getUTCFullYear();
  const week = 1 + Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * 86_400_000));
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** The first day of the day's week (Monday) or month. */
function bucketOf(day: string, granularity: 'week' | 'month'): string {
  if (granularity === 'month') return `${day.slice(0, 7)}-01`;
  const d = new Date(`${day}T00:00:00Z`);
  return new Date(d.getTime() - ((d.getUTCDay() + 6) % 7) * 86_400_000).toISOString().slice(0, 10);
}

/** Sums `value` of the day rows per key. */
function sumBy<R>(rows: R[], key: (r: R) => string, value: (r: R) => number): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of rows) out.set(key(r), (out.get(key(r)) ?? 0) + value(r));
  return out;
}

export async function indicators(sql: SqlClient, q: IndicatorsQuery): Promise<IndicatorsView> {
  // The turns of the period's complete past days, counted once and kept (a write, so before the snapshot).
  const split = rollupSplit(q);
  if (split) await materialiseTurns(sql, q.tenantId, split.firstDay, split.endDay);
  return sql.transaction(async (tx) => {
    await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
    await tx.query("SET LOCAL work_mem = '32MB'");
    // From the roll-up, each statement reads at most a few tens of thousands of index entries: starting
    // parallel workers cost more than they saved (backlog at a year's end: ~170 ms with two workers, ~40 ms
    // without, on the bench's shared 2-vCPU machine). The rows-only path (another time zone) keeps them.
    if (split) await tx.query('SET LOCAL max_parallel_workers_per_gather = 0');
    return compute(tx, q);
  });
}

async function compute(sql: SqlExecutor, q: IndicatorsQuery): Promise<IndicatorsView> {
  const granularity = q.granularity ?? 'week';
  const levels = JSON.stringify(q.serviceLevels ?? []);
  const base = [q.tenantId, q.from, q.to, q.authorityId, levels];
  // Whole days from the daily roll-up (migration 0026), the rest from the requests themselves.
  const split = rollupSplit(q);
  const countsOf = async (from: Date, to: Date) =>
    from < to
      ? (await requestCounts(sql, [q.tenantId, from, to, q.authorityId, levels, q.timeZone])).rows
      : [];
  const counts = {
    rows: split
      ? mergeCounts([
          ...(await countsOf(split.head.from, split.head.to)),
          ...(await rollupCounts(sql, q, split)),
          ...(await countsOf(split.tail.from, split.tail.to)),
        ])
      : (await requestCounts(sql, [...base, q.timeZone])).rows,
  };
  const timing = split ? await rollupTiming(sql, q, split, levels) : timingOf((await delays(sql, base)).rows);
  const open = await backlog(sql, q);
  const conv = await conversations(sql, q, split);
  const work = await callbacksAndInterventions(sql, q, split);
  const csat = await satisfaction(sql, q);
  // GROUPING(channel, type, team): 0b011 = by channel, 0b101 = by type, 0b110 = by team, 0b111 = all.
  const csatBy = (set: number, key: (r: CsatRow) => string) =>
    csat.rows
      .filter((r) => Number(r.g) === set)
      .map((r) => ({ key: key(r), ...csatOf(r) }))
      .sort(byCount);

  const rowsOf = (set: number) => counts.rows.filter((r) => Number(r.g) === set);
  const pick = (set: string, key: keyof CountRow) =>
    rowsOf(SETS[set]!)
      .filter((r) => r[key] !== null)
      .map((r) => ({ key: String(r[key]), count: int(r.n) }))
      .sort(byCount);
  const total = int(rowsOf(SETS.total!)[0]?.n);

  const ageing = AGEING_BUCKETS.map((b, i) => ({
    key: b.key,
    count: int(open.rows.find((r) => Number(r.bucket) === i)?.n),
  }));

  const convTotal = conv.rows.find((r) => Number(r.g) === 3);
  const convTotalCount = int(convTotal?.total);
  const handedOver = int(convTotal?.handed_over);
  const requestDays = rowsOf(SETS.day!);
  const convDays = conv.rows.filter((r) => Number(r.g) === 2);
  const bucket = (r: { day: string | null }) => bucketOf(r.day!, granularity);
  const trend = {
    requests: sumBy(requestDays, bucket, (r) => int(r.n)),
    resolved: sumBy(requestDays, bucket, (r) => int(r.resolved)),
    conversations: sumBy(convDays, bucket, (r) => int(r.total)),
    handedOver: sumBy(convDays, bucket, (r) => int(r.handed_over)),
  };
  const bucketKeys = [...new Set([...trend.requests.keys(), ...trend.conversations.keys()])].sort();
  const byWeek = [
    ...sumBy(
      requestDays,
      (r) => isoWeek(r.day!),
      (r) => int(r.n),
    ),
  ]
    .map(([key, count]) => ({ key, count }))
    .sort((a, b) => a.key.localeCompare(b.key));

  const due = int(work.callbacks?.due);
  const kept = int(work.callbacks?.kept);
  const teams = work.interventions
    .map((r) => ({ key: r.team ?? 'none', count: int(r.n), ...(r.name ? { label: r.name } : {}) }))
    .sort(byCount);

  return {
    tenantId: q.tenantId,
    from: q.from.toISOString(),
    to: q.to.toISOString(),
    timeZone: q.timeZone,
    requests: {
      total,
      byType: pick('type', 'type'),
      byCategory: pick('category', 'category'),
      byChannel: pick('channel', 'channel'),
      byCommune: pick('commune', 'commune'),
      byAuthority: pick('authority', 'authority'),
      byWeek,
      byStatus: pick('status', 'status'),
      medianFirstResponseSeconds: timing.firstResponse.median,
      medianResolutionSeconds: timing.resolution.median,
    },
    delays: {
      ...timing,
      byServiceLevel: [...timing.byServiceLevel].sort((a, b) => a.key.localeCompare(b.key)),
    },
    backlog: { open: ageing.reduce((n, b) => n + b.count, 0), ageing },
    conversations: {
      total: convTotalCount,
      handedOver,
      containmentRate: rate(convTotalCount - handedOver, convTotalCount),
      handoverRate: rate(handedOver, convTotalCount),
      nluFallbackRate: rate(int(convTotal?.fallbacks), conv.botTurns),
      botTurns: conv.botTurns,
      medianFirstAgentReplySeconds: num(convTotal?.wait_med),
      agentWait: spread(convTotal?.wait_n ?? 0, convTotal?.wait_med ?? null, convTotal?.wait_p90 ?? null),
      byChannel: conv.rows
        .filter((r) => Number(r.g) === 1)
        .map((r) => ({ key: String(r.channel), count: int(r.total) }))
        .sort(byCount),
    },
    callbacks: { due, kept, rate: rate(kept, due) },
    interventions: { done: teams.reduce((n, t) => n + t.count, 0), byTeam: teams },
    satisfaction: {
      ...csatOf(csat.rows.find((r) => Number(r.g) === 0b111)),
      byChannel: csatBy(0b011, (r) => String(r.channel)),
      byType: csatBy(0b101, (r) => String(r.type)),
      byTeam: csat.rows
        .filter((r) => Number(r.g) === 0b110)
        .map((r) => ({ key: String(r.team), ...csatOf(r), ...(r.team_name ? { label: r.team_name } : {}) }))
        .sort(byCount),
    },
    trend: {
      granularity,
      buckets: bucketKeys.map((key) => ({
        key,
        requests: trend.requests.get(key) ?? 0,
        resolved: trend.resolved.get(key) ?? 0,
        conversations: trend.conversations.get(key) ?? 0,
        handedOver: trend.handedOver.get(key) ?? 0,
      })),
    },
  };
}

export class PostgresIndicatorStore implements IndicatorStore {
  constructor(private readonly sql: SqlClient) {}

  indicators(query: IndicatorsQuery): Promise<IndicatorsView> {
    return guarded('indicators', () => indicators(this.sql, query));
  }
}

/**
 * Recomputes every roll-up level (migrations 0026 and 0028) from the requests, conversations, messages and
 * interventions (`npm run indicators:rebuild`), then vacuums the levels: the rebuild deletes and rewrites each of
 * their rows, and reads of the next year must not scan the dead versions.
 */
export async function rebuildIndicatorsRollup(sql: SqlClient): Promise<void> {
  await sql.transaction(async (tx) => {
    // The rebuild groups every request once per breakdown (7 rows each): with the default 4 MB the hash
    // aggregates spill to disk in many passes. A one-off maintenance session may take more (PGlite ignores it).
    if (sql.driver === 'pg') await tx.exec("SET LOCAL work_mem = '256MB'");
    await tx.query('SELECT guichet_indicators_rebuild()');
  });
  await sql.exec(
    `VACUUM ANALYZE request_daily_counts, request_daily_delays, conversation_daily, request_monthly_counts,
     request_monthly_delays, message_daily_turns, intervention_daily_done`,
  );
}
