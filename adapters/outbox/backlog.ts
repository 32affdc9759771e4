// What the outbox holds for delivery (SMS notifications, webhooks, the agents' live queue), read for the metrics:
// a relay that stopped delivering shows here long before anyone misses a notification.
import type { SqlExecutor } from '../postgres/sql-client';

export interface OutboxBacklog {
  /** Deliveries waiting, retries scheduled later included. */
  pending: number;
  /** How late the most overdue delivery is, in seconds (0 when none is due): near the poll interval normally. */
  overdueSeconds: number;
}

/** One statement over the pending rows (their partial index): a few rows when the relay keeps up. */
export async function outboxBacklog(sql: SqlExecutor): Promise<OutboxBacklog> {
  const { rows } = await sql.query<{ pending: string | number; overdue: number | null }>(
    `SELECT count(*) AS pending,
       GREATEST(0, EXTRACT(EPOCH FROM now() - min(next_attempt_at)))::float8 AS overdue
     FROM outbox WHERE status = 'pending'`,
    [],
    { prepared: true },
  );
  return { pending: Number(rows[0]?.pending ?? 0), overdueSeconds: rows[0]?.overdue ?? 0 };
}
