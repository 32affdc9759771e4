// CallbackStore over SQL: the callbacks the bot promised, scoped by tenant, worked by the agents.
import { GuichetError } from '../../../bot/errors';
import type {
  CallbackOutcome,
  CallbackStore,
  NewCallback,
  Scope,
  StoredCallback,
} from '../../../backoffice/ports';
import type { SqlClient } from '../sql-client';
import { auditInsert, guarded, params, scopeWhere, UUID, whereSql } from './sql';

interface CallbackRow {
  id: string;
  tenant_id: string;
  conversation_id: string;
  contact_id: string;
  phone: string;
  question: string | null;
  promised_by: Date | string;
  status: StoredCallback['status'];
  attempts: number;
  note: string | null;
  handled_by: string | null;
  handled_at: Date | string | null;
  created_at: Date | string;
}

const toCallback = (row: CallbackRow): StoredCallback => ({
  id: row.id,
  tenantId: row.tenant_id,
  conversationId: row.conversation_id,
  contactId: row.contact_id,
  phone: row.phone,
  question: row.question,
  promisedBy: new Date(row.promised_by),
  status: row.status,
  attempts: Number(row.attempts),
  note: row.note,
  handledBy: row.handled_by,
  handledAt: row.handled_at === null ? null : new Date(row.handled_at),
  createdAt: new Date(row.created_at),
});

export class PostgresCallbackStore implements CallbackStore {
  constructor(private readonly sql: SqlClient) {}

  recordCallback(callback: NewCallback): Promise<boolean> {
    if (!UUID.test(callback.conversationId)) return Promise.resolve(false);
    return guarded('recordCallback', async () => {
      const result = await this.sql.query(
        `INSERT INTO callbacks (tenant_id, conversation_id, contact_id, promise_key, phone, question, promised_by)
         SELECT c.tenant_id, c.id, c.contact_id, $3, $4, $5, $6 FROM conversations c WHERE c.id = $1 AND c.tenant_id = $2
         ON CONFLICT (promise_key) DO NOTHING`,
        [
          callback.conversationId,
          callback.tenantId,
          callback.promiseKey,
          callback.phone,
          callback.question,
          callback.promisedBy.toISOString(),
        ],
      );
      if (result.rowCount > 0) return true;
      const known = await this.sql.query(`SELECT 1 FROM callbacks WHERE promise_key = $1`, [
        callback.promiseKey,
      ]);
      return known.rows.length > 0;
    });
  }

  listCallbacks(
    scope: Scope,
    filter: { status?: StoredCallback['status'][]; limit: number },
  ): Promise<StoredCallback[]> {
    return guarded('listCallbacks', async () => {
      const { values, p } = params();
      const where = scopeWhere(scope, p, 'k', false);
      if (filter.status && filter.status.length > 0)
        where.push(`k.status = ANY(${p(filter.status)}::text[])`);
      const result = await this.sql.query<CallbackRow>(
        `SELECT k.* FROM callbacks k ${whereSql(where)}
         ORDER BY (k.status = 'done'), k.promised_by, k.id LIMIT ${p(filter.limit)}`,
        values,
      );
      return result.rows.map(toCallback);
    });
  }

  markCallback(scope: Scope, id: string, outcome: CallbackOutcome): Promise<StoredCallback | null> {
    if (!UUID.test(id)) return Promise.resolve(null);
    return guarded('markCallback', () =>
      this.sql.transaction(async (tx) => {
        const { values, p } = params();
        const where = [`k.id = ${p(id)}`, ...scopeWhere(scope, p, 'k', false)];
        const current = (
          await tx.query<CallbackRow>(`SELECT k.* FROM callbacks k ${whereSql(where)} FOR UPDATE`, values)
        ).rows[0];
        if (!current) return null;
        if (current.status === 'done')
          throw new GuichetError('CONFLICT', 'This callback is already done / Ce rappel est déjà fait');
        const updated = (
          await tx.query<CallbackRow>(
            `UPDATE callbacks SET status = $2, attempts = attempts + 1, note = COALESCE($3, note),
               handled_by = $4, handled_at = now() WHERE id = $1 RETURNING *`,
            [id, outcome.status, outcome.note ?? null, outcome.actor],
          )
        ).rows[0];
        if (!updated) return null;
        await auditInsert(tx, {
          tenantId: current.tenant_id,
          actor: outcome.actor,
          action: outcome.status === 'done' ? 'callback.done' : 'callback.not_reached',
          targetType: 'callback',
          targetId: id,
          details: { conversationId: current.conversation_id, attempts: Number(updated.attempts) },
        });
        return toCallback(updated);
      }),
    );
  }

  eraseContactCallbacks(scope: Scope, contactId: string): Promise<number> {
    if (!UUID.test(contactId)) return Promise.resolve(0);
    return guarded('eraseContactCallbacks', async () => {
      const { values, p } = params();
      const where = [`k.contact_id = ${p(contactId)}`, ...scopeWhere(scope, p, 'k', false)];
      const result = await this.sql.query(`DELETE FROM callbacks k ${whereSql(where)}`, values);
      return result.rowCount;
    });
  }
}
