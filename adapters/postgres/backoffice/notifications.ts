// Notifications about a request read back from the outbox (status notices and replies carry its requestId), with
// their delivery state: what the request's timeline shows next to each message sent to the citizen.
import type { NotificationLog, NotificationRecord } from '../../../backoffice/ports';
import type { SqlClient } from '../sql-client';
import { guarded, UUID } from './sql';
import { iso, type Stamp } from './views';

interface Row {
  created_at: Stamp;
  channel: string | null;
  status: NotificationRecord['status'];
  attempts: number;
  last_error: string | null;
  text: string | null;
}

export class PostgresNotificationLog implements NotificationLog {
  constructor(private readonly sql: SqlClient) {}

  forRequest(tenantId: string, requestId: string): Promise<NotificationRecord[]> {
    if (!UUID.test(requestId)) return Promise.resolve([]);
    return guarded('notificationsForRequest', async () => {
      const found = await this.sql.query<Row>(
        `SELECT created_at, payload ->> 'channel' AS channel, status, attempts, last_error, payload ->> 'text' AS text
         FROM outbox WHERE tenant_id = $1 AND kind = 'notification' AND payload ->> 'requestId' = $2
         ORDER BY id`,
        [tenantId, requestId],
      );
      return found.rows.map((r) => ({
        createdAt: iso(r.created_at) ?? '',
        channel: r.channel,
        status: r.status,
        attempts: Number(r.attempts),
        lastError: r.last_error,
        text: r.text,
      }));
    });
  }
}
