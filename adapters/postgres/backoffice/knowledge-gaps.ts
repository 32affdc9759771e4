// The knowledge gaps table (migration 0024): read the open ones, mark some handled.
import type { KnowledgeGap } from '../../../backoffice/knowledge-gaps/grouping';
import type { KnowledgeGapStore } from '../../../backoffice/knowledge-gaps/ports';
import type { SqlClient } from '../sql-client';
import { guarded } from './sql';

export class PostgresKnowledgeGapStore implements KnowledgeGapStore {
  constructor(private readonly sql: SqlClient) {}

  listOpen(tenantId: string, since: Date, limit: number): Promise<KnowledgeGap[]> {
    return guarded('listKnowledgeGaps', async () => {
      const result = await this.sql.query<{
        id: string;
        question: string;
        channel: string;
        created_at: Date;
      }>(
        `SELECT id, question, channel, created_at FROM knowledge_gaps
         WHERE tenant_id = $1 AND handled_at IS NULL AND created_at >= $2::timestamptz
         ORDER BY created_at DESC LIMIT $3`,
        [tenantId, since.toISOString(), limit],
      );
      return result.rows.map((r) => ({
        id: r.id,
        question: r.question,
        channel: r.channel,
        createdAt: new Date(r.created_at).toISOString(),
      }));
    });
  }

  markHandled(tenantId: string, ids: readonly string[], actor: string): Promise<number> {
    return guarded('markKnowledgeGapsHandled', async () => {
      const result = await this.sql.query(
        `UPDATE knowledge_gaps SET handled_at = now(), handled_by = $3
         WHERE tenant_id = $1 AND id = ANY($2::uuid[]) AND handled_at IS NULL`,
        [tenantId, ids, actor],
      );
      return result.rowCount;
    });
  }
}
