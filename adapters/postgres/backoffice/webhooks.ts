// WebhookStore over SQL: subscriptions scoped by tenant and authority, deliveries read from the outbox.
import { GuichetError } from '../../../bot/errors';
import type { DeliveryFilter, NewWebhook, Scope, WebhookStore } from '../../../backoffice/ports';
import type { DeliveryView, Page, WebhookView } from '../../../backoffice/schemas';
import type { SqlClient } from '../sql-client';
import { guarded, params, scopeWhere, UUID, whereSql } from './sql';
import { toDeliveryView, toWebhookView, type DeliveryRow, type WebhookRow } from './views';

export class PostgresWebhookStore implements WebhookStore {
  constructor(private readonly sql: SqlClient) {}

  createWebhook(webhook: NewWebhook): Promise<WebhookView> {
    return guarded('createWebhook', async () => {
      const result = await this.sql.query<WebhookRow>(
        `INSERT INTO webhook_subscriptions (tenant_id, authority_id, url, secret, events) VALUES ($1, $2, $3, $4, $5::text[])
         RETURNING *`,
        [webhook.tenantId, webhook.authorityId ?? null, webhook.url, webhook.secret, webhook.events],
      );
      const row = result.rows[0];
      if (!row) throw new GuichetError('INTERNAL', 'The webhook was not created');
      return toWebhookView(row);
    });
  }

  listWebhooks(scope: Scope): Promise<WebhookView[]> {
    return guarded('listWebhooks', async () => {
      const { values, p } = params();
      const where = scopeWhere(scope, p, 'w', true);
      const result = await this.sql.query<WebhookRow>(
        `SELECT w.* FROM webhook_subscriptions w ${whereSql(where)} ORDER BY w.created_at DESC`,
        values,
      );
      return result.rows.map(toWebhookView);
    });
  }

  deleteWebhook(scope: Scope, id: string): Promise<boolean> {
    if (!UUID.test(id)) return Promise.resolve(false);
    return guarded('deleteWebhook', async () => {
      const { values, p } = params();
      const where = [`w.id = ${p(id)}`, ...scopeWhere(scope, p, 'w', true)];
      const result = await this.sql.query(`DELETE FROM webhook_subscriptions w ${whereSql(where)}`, values);
      return result.rowCount > 0;
    });
  }

  listDeliveries(scope: Scope, filter: DeliveryFilter): Promise<Page<DeliveryView>> {
    return guarded('listDeliveries', async () => {
      const { values, p } = params();
      const where = [`o.kind = 'webhook'`, ...scopeWhere(scope, p, 'o', false)];
      if (scope.authorityId !== null) {
        where.push(
          `o.payload ->> 'subscriptionId' IN (SELECT id::text FROM webhook_subscriptions WHERE authority_id = ${p(scope.authorityId)})`,
        );
      }
      if (filter.status) where.push(`o.status = ${p(filter.status)}`);
      if (filter.subscriptionId) where.push(`o.payload ->> 'subscriptionId' = ${p(filter.subscriptionId)}`);
      if (filter.cursor) {
        if (!/^\d{1,18}$/.test(filter.cursor))
          throw new GuichetError('BAD_REQUEST', 'cursor: not a cursor this API returned');
        where.push(`o.id < ${p(filter.cursor)}::bigint`);
      }
      const result = await this.sql.query<DeliveryRow>(
        `SELECT o.id, o.payload - 'body' AS payload, o.dedupe_key, o.status, o.attempts, o.last_error, o.next_attempt_at,
           o.delivered_at, o.created_at
         FROM outbox o ${whereSql(where)} ORDER BY o.id DESC LIMIT ${p(filter.limit + 1)}`,
        values,
      );
      const items = result.rows.slice(0, filter.limit);
      const last = items[items.length - 1];
      return {
        items: items.map(toDeliveryView),
        nextCursor: result.rows.length > filter.limit && last ? String(last.id) : null,
      };
    });
  }
}
