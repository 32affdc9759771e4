// Saved replies in PostgreSQL, tenant-scoped; creation, change and removal are audited.
import type { SavedReply, SavedReplyStore } from '../../../backoffice/ports';
import type { SqlClient } from '../sql-client';
import { auditInsert, guarded, UUID } from './sql';
import { iso, type Stamp } from './views';

interface Row {
  id: string;
  tenant_id: string;
  title: string;
  body: string;
  created_by: string;
  updated_at: Stamp;
}

const COLUMNS = 'id::text, tenant_id, title, body, created_by, updated_at';
const toView = (r: Row): SavedReply => ({
  id: r.id,
  tenantId: r.tenant_id,
  title: r.title,
  body: r.body,
  createdBy: r.created_by,
  updatedAt: iso(r.updated_at) ?? '',
});

export class PostgresSavedReplyStore implements SavedReplyStore {
  constructor(private readonly sql: SqlClient) {}

  list(tenantId: string): Promise<SavedReply[]> {
    return guarded('listSavedReplies', async () =>
      (
        await this.sql.query<Row>(
          `SELECT ${COLUMNS} FROM saved_replies WHERE tenant_id = $1 ORDER BY lower(title), id`,
          [tenantId],
        )
      ).rows.map(toView),
    );
  }

  get(tenantId: string, id: string): Promise<SavedReply | null> {
    if (!UUID.test(id)) return Promise.resolve(null);
    return guarded('getSavedReply', async () => {
      const found = await this.sql.query<Row>(
        `SELECT ${COLUMNS} FROM saved_replies WHERE tenant_id = $1 AND id = $2`,
        [tenantId, id],
      );
      return found.rows[0] ? toView(found.rows[0]) : null;
    });
  }

  create(tenantId: string, reply: { title: string; body: string }, actor: string): Promise<SavedReply> {
    return guarded('createSavedReply', () =>
      this.sql.transaction(async (tx) => {
        const created = await tx.query<Row>(
          `INSERT INTO saved_replies (tenant_id, title, body, created_by) VALUES ($1, $2, $3, $4) RETURNING ${COLUMNS}`,
          [tenantId, reply.title, reply.body, actor],
        );
        const row = created.rows[0]!;
        await auditInsert(tx, {
          tenantId,
          actor,
          action: 'saved_reply.create',
          targetType: 'saved_reply',
          targetId: row.id,
        });
        return toView(row);
      }),
    );
  }

  update(
    tenantId: string,
    id: string,
    reply: { title: string; body: string },
    actor: string,
  ): Promise<SavedReply | null> {
    if (!UUID.test(id)) return Promise.resolve(null);
    return guarded('updateSavedReply', () =>
      this.sql.transaction(async (tx) => {
        const updated = await tx.query<Row>(
          `UPDATE saved_replies SET title = $3, body = $4, updated_at = now() WHERE tenant_id = $1 AND id = $2
           RETURNING ${COLUMNS}`,
          [tenantId, id, reply.title, reply.body],
        );
        const row = updated.rows[0];
        if (!row) return null;
        await auditInsert(tx, {
          tenantId,
          actor,
          action: 'saved_reply.update',
          targetType: 'saved_reply',
          targetId: id,
        });
        return toView(row);
      }),
    );
  }

  remove(tenantId: string, id: string, actor: string): Promise<boolean> {
    if (!UUID.test(id)) return Promise.resolve(false);
    return guarded('removeSavedReply', () =>
      this.sql.transaction(async (tx) => {
        const removed = await tx.query('DELETE FROM saved_replies WHERE tenant_id = $1 AND id = $2', [
          tenantId,
          id,
        ]);
        if (removed.rowCount === 0) return false;
        await auditInsert(tx, {
          tenantId,
          actor,
          action: 'saved_reply.delete',
          targetType: 'saved_reply',
          targetId: id,
        });
        return true;
      }),
    );
  }
}
