// What every back-office SQL store shares: positional parameters, tenant/authority scoping in SQL,
// keyset pagination, error translation, and the rows several domains write (transcript lines, outbox rows,
// audit entries) or read (a conversation by id).
import { GuichetError } from '../../../bot/errors';
import type { OutboxItem } from '../../../bot/ports';
import type { AuditEntry, NewMessage, Scope } from '../../../backoffice/ports';
import type { Page } from '../../../backoffice/schemas';
import { toGuichetError } from '../db-errors';
import type { SqlExecutor } from '../sql-client';
import { CONVERSATION_COLUMNS, decodeCursor, encodeCursor, type ConversationRow } from './views';

/**
 * A request's resolution time in seconds (null unless resolved): the bi_requests view's definition (migration
 * 0002), written on the columns the requests' covering index holds, for the steering indicators and open data.
 */
export const RESOLUTION_SECONDS = `CASE WHEN status = 'resolved'
  THEN EXTRACT(EPOCH FROM COALESCE(resolved_at, updated_at) - created_at)::float8 END`;

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type Param = (value: unknown) => string;

/** Positional parameters collected while a statement is built: `p(value)` → `$n`. */
export function params(): { values: unknown[]; p: Param } {
  const values: unknown[] = [];
  return { values, p: (value) => `$${values.push(value)}` };
}

/**
 * The WHERE clauses of a scope on `alias`. `withAuthority`: the rows have an authority (requests, webhooks);
 * on requests (and only requests: agents with teams never reach the other such rows, which are admin-only)
 * it also applies team scoping, so every request query gets it.
 */
export function scopeWhere(scope: Scope, p: Param, alias: string, withAuthority: boolean): string[] {
  const where: string[] = [];
  if (scope.tenantId !== null) where.push(`${alias}.tenant_id = ${p(scope.tenantId)}`);
  if (withAuthority && scope.authorityId !== null)
    where.push(`${alias}.authority_id = ${p(scope.authorityId)}`);
  if (withAuthority && scope.teams) where.push(teamClause(scope.teams, p, alias));
  return where;
}

/**
 * An agent of teams sees the requests in their teams' queues, those assigned to them, and the unrouted ones
 * (no team yet) that fall within one of their teams' scope (authority, communes, request types or
 * 'type:category'; an empty list means every one), so a request no rule routed still reaches a team.
 */
function teamClause(teams: NonNullable<Scope['teams']>, p: Param, alias: string): string {
  const ids = p(teams.teamIds);
  const mine = teams.agentId ? ` OR ${alias}.assigned_agent_id = ${p(teams.agentId)}` : '';
  return `(${alias}.team_id = ANY(${ids}::uuid[])${mine} OR (${alias}.team_id IS NULL AND EXISTS (
    SELECT 1 FROM teams st WHERE st.id = ANY(${ids}::uuid[])
      AND (st.authority_id IS NULL OR st.authority_id = ${alias}.authority_id)
      AND (cardinality(st.communes) = 0 OR ${alias}.commune_id = ANY(st.communes))
      AND (cardinality(st.request_types) = 0 OR ${alias}.type = ANY(st.request_types)
        OR ${alias}.type || ':' || COALESCE(${alias}.payload ->> 'category', '') = ANY(st.request_types)))))`;
}

export const whereSql = (clauses: string[]): string =>
  clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '';
export const likePattern = (text: string): string => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export function cursorClause(cursor: string | undefined, p: Param, alias: string): string | undefined {
  const decoded = decodeCursor(cursor);
  if (decoded === 'invalid') throw new GuichetError('BAD_REQUEST', 'cursor: not a cursor this API returned');
  if (!decoded) return undefined;
  return `(${alias}.created_at, ${alias}.id) < (${p(decoded.ts)}::timestamptz, ${p(decoded.id)}::uuid)`;
}

export function page<R extends { id: string; cursor_ts: string }, V>(
  rows: R[],
  limit: number,
  map: (row: R) => V,
): Page<V> {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return {
    items: items.map(map),
    nextCursor: rows.length > limit && last ? encodeCursor(last.cursor_ts, last.id) : null,
  };
}

/** Runs one store operation; a database error becomes a GuichetError named after it (never a raw message). */
export async function guarded<T>(what: string, op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } catch (error) {
    throw toGuichetError(error, what);
  }
}

export async function conversationRow(
  db: SqlExecutor,
  tenantId: string | null,
  id: string,
  lock = false,
): Promise<ConversationRow | null> {
  const { values, p } = params();
  const where = [`c.id = ${p(id)}`];
  if (tenantId !== null) where.push(`c.tenant_id = ${p(tenantId)}`);
  const result = await db.query<ConversationRow>(
    `SELECT ${CONVERSATION_COLUMNS} FROM conversations c ${whereSql(where)}${lock ? ' FOR UPDATE OF c' : ''}`,
    values,
  );
  return result.rows[0] ?? null;
}

export async function insertMessages(
  tx: SqlExecutor,
  tenantId: string,
  conversationId: string,
  messages: NewMessage[],
): Promise<void> {
  const rows = messages.map((m, i) => ({
    i,
    direction: m.direction,
    text: m.text,
    payload: m.payload ?? null,
    agent_id: m.agentId ?? null,
  }));
  await tx.query(
    `INSERT INTO messages (conversation_id, tenant_id, direction, text, payload, agent_id)
     SELECT $1, $2, m.direction, m.text, m.payload, m.agent_id
     FROM jsonb_to_recordset($3::jsonb) AS m(i int, direction text, text text, payload jsonb, agent_id text) ORDER BY m.i`,
    [conversationId, tenantId, JSON.stringify(rows)],
  );
}

export async function insertOutbox(tx: SqlExecutor, tenantId: string, items: OutboxItem[]): Promise<void> {
  if (items.length === 0) return;
  const rows = items.map((item) => ({ kind: item.kind, payload: item.payload, dedupe_key: item.dedupeKey }));
  await tx.query(
    `INSERT INTO outbox (tenant_id, kind, payload, dedupe_key)
     SELECT $1, o.kind, o.payload, o.dedupe_key FROM jsonb_to_recordset($2::jsonb) AS o(kind text, payload jsonb, dedupe_key text)
     ON CONFLICT (dedupe_key) DO NOTHING`,
    [tenantId, JSON.stringify(rows)],
  );
}

export async function auditInsert(db: SqlExecutor, entry: AuditEntry): Promise<void> {
  await db.query(
    `INSERT INTO audit_log (tenant_id, actor, action, target_type, target_id, details) VALUES ($1, $2, $3, $4, $5, $6::jsonb)`,
    [
      entry.tenantId,
      entry.actor,
      entry.action,
      entry.targetType ?? null,
      entry.targetId ?? null,
      JSON.stringify(entry.details ?? {}),
    ],
  );
}
