// ConversationDirectory over SQL: the agents' view of conversations (queue, transcript, hand-over summary)
// and their changes (take over, reply, close), each committed in one transaction under a row lock.
import type {
  ConversationDirectory,
  ConversationFilter,
  ConversationUpdate,
  Scope,
} from '../../../backoffice/ports';
import type { ConversationDetailView, ConversationView, Page } from '../../../backoffice/schemas';
import type { SqlClient } from '../sql-client';
import {
  conversationRow,
  cursorClause,
  guarded,
  insertMessages,
  insertOutbox,
  page,
  params,
  scopeWhere,
  UUID,
  whereSql,
} from './sql';
import {
  CONVERSATION_COLUMNS,
  REQUEST_COLUMNS,
  iso,
  toConversationView,
  toMessageView,
  toRequestView,
  type ConversationRow,
  type MessageRow,
  type RequestRow,
  type Stamp,
} from './views';

const TRANSCRIPT_LIMIT = 500;

export class PostgresConversationDirectory implements ConversationDirectory {
  constructor(private readonly sql: SqlClient) {}

  listConversations(scope: Scope, filter: ConversationFilter): Promise<Page<ConversationView>> {
    return guarded('listConversations', async () => {
      const { values, p } = params();
      const where = scopeWhere(scope, p, 'c', false);
      if (filter.state === 'closed') where.push(`c.status = 'closed'`);
      else if (filter.state) where.push(`c.status = 'open' AND c.owner = ${p(filter.state)}`);
      if (filter.channel) where.push(`c.channel = ${p(filter.channel)}`);
      const after = cursorClause(filter.cursor, p, 'c');
      if (after) where.push(after);
      const result = await this.sql.query<ConversationRow>(
        `SELECT ${CONVERSATION_COLUMNS} FROM conversations c ${whereSql(where)}
         ORDER BY c.created_at DESC, c.id DESC LIMIT ${p(filter.limit + 1)}`,
        values,
      );
      return page(result.rows, filter.limit, toConversationView);
    });
  }

  getConversation(scope: Scope, id: string): Promise<ConversationDetailView | null> {
    if (!UUID.test(id)) return Promise.resolve(null);
    return guarded('getConversation', async () => {
      const row = await conversationRow(this.sql, scope.tenantId, id);
      if (!row) return null;
      const [messages, requests, handover] = await Promise.all([
        this.sql.query<MessageRow>(
          `SELECT * FROM (
             SELECT id, direction, text, payload, intent, agent_id, created_at FROM messages
             WHERE conversation_id = $1 ORDER BY id DESC LIMIT ${TRANSCRIPT_LIMIT}
           ) latest ORDER BY id`,
          [row.id],
        ),
        this.sql.query<RequestRow>(
          `SELECT ${REQUEST_COLUMNS} FROM requests r WHERE r.conversation_id = $1 ORDER BY r.created_at DESC`,
          [row.id],
        ),
        this.sql.query<{ payload: { summary?: unknown }; created_at: Stamp }>(
          `SELECT payload, created_at FROM outbox
           WHERE kind = 'conversation.handover' AND payload ->> 'conversationId' = $1 AND tenant_id = $2
           ORDER BY id DESC LIMIT 1`,
          [row.id, row.tenant_id],
        ),
      ]);
      const summary = handover.rows[0];
      return {
        ...toConversationView(row),
        messages: messages.rows.map(toMessageView),
        requests: requests.rows.map(toRequestView),
        handover:
          summary && typeof summary.payload.summary === 'object' && summary.payload.summary !== null
            ? {
                at: iso(summary.created_at) ?? '',
                summary: summary.payload.summary as Record<string, unknown>,
              }
            : null,
      };
    });
  }

  updateConversation(
    scope: Scope,
    id: string,
    plan: (current: ConversationView) => ConversationUpdate,
  ): Promise<ConversationView | null> {
    if (!UUID.test(id)) return Promise.resolve(null);
    return guarded('updateConversation', () =>
      this.sql.transaction(async (tx) => {
        const current = await conversationRow(tx, scope.tenantId, id, true);
        if (!current) return null;
        const update = plan(toConversationView(current));
        const agentWrote = update.messages.some((m) => m.direction === 'agent');
        await tx.query(
          `UPDATE conversations SET
             updated_at = now(),
             owner = COALESCE($2::text, owner),
             agent_id = CASE WHEN $3::boolean THEN $4::text ELSE agent_id END,
             handed_over_at = CASE WHEN $2::text IN ('queue', 'agent') THEN COALESCE(handed_over_at, now()) ELSE handed_over_at END,
             status = COALESCE($5::text, status),
             closed_at = CASE WHEN $5::text = 'closed' THEN COALESCE(closed_at, now()) ELSE closed_at END,
             first_agent_reply_at = CASE WHEN $6::boolean THEN COALESCE(first_agent_reply_at, now()) ELSE first_agent_reply_at END
           WHERE id = $1`,
          [
            current.id,
            update.owner ?? null,
            'agentId' in update,
            update.agentId ?? null,
            update.status ?? null,
            agentWrote,
          ],
        );
        if (update.messages.length > 0)
          await insertMessages(tx, current.tenant_id, current.id, update.messages);
        await insertOutbox(tx, current.tenant_id, update.outbox);
        const after = await conversationRow(tx, current.tenant_id, current.id);
        return after ? toConversationView(after) : null;
      }),
    );
  }
}
