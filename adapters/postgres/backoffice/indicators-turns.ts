// The bot's turns of a period (citizens' messages the NLU read): complete past days from message_daily_turns
// (migration 0028), every other instant (today, a day made dirty by a back-dated write or a deletion, a day
// not materialised yet, the hours around the whole days) counted on the messages themselves. Exact either way.
import { DateTime } from 'luxon';
import type { SqlExecutor } from '../sql-client';
import { ROLLUP_ZONE } from './indicators-rollup';

const TURN = `direction = 'in' AND intent IS NOT NULL`;

/**
 * Fills the missing or dirty days of [firstDay, endDay) that ended before every running transaction began
 * (none of those can still write them: migration 0028 says why), one count per day on the turns' index.
 * Outside the indicators' read-only snapshot, in its own statement (READ COMMITTED): the upsert keeps a row
 * only if its stamp is still the one read, so a day marked dirty meanwhile stays dirty.
 */
export async function materialiseTurns(
  sql: SqlExecutor,
  tenantId: string,
  firstDay: string,
  endDay: string,
): Promise<void> {
  await sql.query(
    `WITH horizon AS (
       SELECT (LEAST(now(), (SELECT min(xact_start) FROM pg_stat_activity
                             WHERE datname = current_database() AND pid <> pg_backend_pid()
                               AND xact_start IS NOT NULL))
               AT TIME ZONE '${ROLLUP_ZONE}')::date AS day
     ),
     missing AS (
       SELECT d::date AS day, t.stamp
       FROM generate_series($2::date, LEAST($3::date, (SELECT day FROM horizon)) - 1, interval '1 day') AS d
       LEFT JOIN message_daily_turns t ON t.tenant_id = $1 AND t.day = d::date
       WHERE t.n IS NULL
     )
     INSERT INTO message_daily_turns AS t (tenant_id, day, n, stamp)
     SELECT $1, m.day,
       (SELECT count(*) FROM messages
        WHERE tenant_id = $1 AND ${TURN}
          AND created_at >= m.day::timestamp AT TIME ZONE '${ROLLUP_ZONE}'
          AND created_at < (m.day + 1)::timestamp AT TIME ZONE '${ROLLUP_ZONE}'),
       COALESCE(m.stamp, 0)
     FROM missing m
     ON CONFLICT (tenant_id, day) DO UPDATE SET n = EXCLUDED.n
       WHERE t.n IS NULL AND t.stamp = EXCLUDED.stamp`,
    [tenantId, firstDay, endDay],
  );
}

/** The turns of [from, to) whose whole days are [firstDay, endDay): known days summed, the rest counted. */
export async function botTurns(
  sql: SqlExecutor,
  tenantId: string,
  from: Date,
  to: Date,
  whole: { firstDay: string; endDay: string } | null,
): Promise<number> {
  const known = new Map<string, number>();
  if (whole) {
    const { rows } = await sql.query<{ day: string; n: number }>(
      `SELECT to_char(day, 'YYYY-MM-DD') AS day, n FROM message_daily_turns
       WHERE tenant_id = $1 AND day >= $2::date AND day < $3::date AND n IS NOT NULL`,
      [tenantId, whole.firstDay, whole.endDay],
    );
    for (const r of rows) known.set(r.day, Number(r.n));
  }
  // The instants no known day covers, as ranges (consecutive unknown days joined).
  const starts: Date[] = [];
  const ends: Date[] = [];
  const cover = (a: Date, b: Date) => {
    if (a >= b) return;
    if (ends.length > 0 && ends[ends.length - 1]!.getTime() === a.getTime()) ends[ends.length - 1] = b;
    else {
      starts.push(a);
      ends.push(b);
    }
  };
  if (!whole) cover(from, to);
  else {
    let day = DateTime.fromISO(whole.firstDay, { zone: ROLLUP_ZONE });
    cover(from, day.toJSDate());
    for (; day.toISODate()! < whole.endDay; day = day.plus({ days: 1 })) {
      if (!known.has(day.toISODate()!)) cover(day.toJSDate(), day.plus({ days: 1 }).toJSDate());
    }
    cover(day.toJSDate(), to);
  }
  let n = [...known.values()].reduce((a, b) => a + b, 0);
  if (starts.length > 0) {
    const { rows } = await sql.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM unnest($2::timestamptz[], $3::timestamptz[]) AS r(a, b)
       JOIN messages m ON m.tenant_id = $1 AND m.created_at >= r.a AND m.created_at < r.b AND m.direction = 'in' AND m.intent IS NOT NULL`,
      [tenantId, starts, ends],
    );
    n += Number(rows[0]?.n ?? 0);
  }
  return n;
}
