// BackofficeStore over SQL (PGlite or PostgreSQL, same statements). Every query is scoped by tenant
// (and authority for requests) in SQL, so an object outside the caller's scope is simply not found.
import { GuichetError } from '../../../bot/errors';
import type { OutboxItem } from '../../../bot/ports';
import type {
  AuditEntry,
  BackofficeStore,
  ConversationFilter,
  ConversationUpdate,
  DeliveryFilter,
  IndicatorsQuery,
  NewBackofficeRequest,
  NewMessage,
  NewToken,
  NewWebhook,
  PayloadAnonymiser,
  RequestContext,
  RequestFilter,
  RequestStatusUpdate,
  Scope,
  StoredToken,
} from '../../../backoffice/ports';
import type {
  ContactExport,
  ContactView,
  ConversationDetailView,
  ConversationView,
  DeliveryView,
  ErasureResult,
  IndicatorsView,
  Page,
  RequestDetailView,
  RequestView,
  TokenView,
  WebhookView,
} from '../../../backoffice/schemas';
import { toGuichetError } from '../db-errors';
import type { SqlClient, SqlExecutor } from '../sql-client';
import { indicators } from './indicators';
import {
  CONVERSATION_COLUMNS,
  REQUEST_COLUMNS,
  decodeCursor,
  encodeCursor,
  iso,
  toConversationView,
  toDeliveryView,
  toEventView,
  toMessageView,
  toRequestView,
  toTokenView,
  toWebhookView,
  type ConversationRow,
  type DeliveryRow,
  type EventRow,
  type MessageRow,
  type RequestRow,
  type Stamp,
  type TokenRow,
  type WebhookRow,
} from './views';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TRANSCRIPT_LIMIT = 500;
const REFERENCE = /^DEM-\d{4}-\d{6,}$/;

type Param = (value: unknown) => string;

/** Positional parameters collected while a statement is built: `p(value)` → `$n`. */
function params(): { values: unknown[]; p: Param } {
  const values: unknown[] = [];
  return { values, p: (value) => `$${values.push(value)}` };
}

function scopeWhere(scope: Scope, p: Param, alias: string, withAuthority: boolean): string[] {
  const where: string[] = [];
  if (scope.tenantId !== null) where.push(`${alias}.tenant_id = ${p(scope.tenantId)}`);
  if (withAuthority && scope.authorityId !== null)
    where.push(`${alias}.authority_id = ${p(scope.authorityId)}`);
  return where;
}

const whereSql = (clauses: string[]): string => (clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '');
const likePattern = (text: string): string => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

function cursorClause(cursor: string | undefined, p: Param, alias: string): string | undefined {
  const decoded = decodeCursor(cursor);
  if (decoded === 'invalid') throw new GuichetError('BAD_REQUEST', 'cursor: not a cursor this API returned');
  if (!decoded) return undefined;
  return `(${alias}.created_at, ${alias}.id) < (${p(decoded.ts)}::timestamptz, ${p(decoded.id)}::uuid)`;
}

function page<R extends { id: string; cursor_ts: string }, V>(
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

export class PostgresBackofficeStore implements BackofficeStore {
  constructor(private readonly sql: SqlClient) {}

  // ---------- tenants and tokens ----------

  listTenants(scope: Scope): Promise<{ id: string; name: string }[]> {
    return this.run('listTenants', async () => {
      const { values, p } = params();
      const where = scope.tenantId !== null ? `WHERE id = ${p(scope.tenantId)}` : '';
      const result = await this.sql.query<{ id: string; name: string }>(
        `SELECT id, name FROM tenants ${where} ORDER BY id`,
        values,
      );
      return result.rows;
    });
  }

  tenantExists(tenantId: string): Promise<boolean> {
    return this.run('tenantExists', async () => {
      const result = await this.sql.query('SELECT 1 FROM tenants WHERE id = $1', [tenantId]);
      return result.rows.length > 0;
    });
  }

  findTokenByHash(tokenHash: string): Promise<StoredToken | null> {
    return this.run('findTokenByHash', async () => {
      const result = await this.sql.query<TokenRow>('SELECT * FROM api_tokens WHERE token_hash = $1', [
        tokenHash,
      ]);
      const row = result.rows[0];
      if (!row) return null;
      return {
        id: row.id,
        tokenHash: row.token_hash,
        name: row.name,
        role: row.role,
        tenantId: row.tenant_id,
        authorityId: row.authority_id,
        agentId: row.agent_id,
        expiresAt: row.expires_at ? new Date(row.expires_at) : null,
        revokedAt: row.revoked_at ? new Date(row.revoked_at) : null,
      };
    });
  }

  createToken(token: NewToken): Promise<TokenView> {
    return this.run('createToken', () =>
      this.sql.transaction(async (tx) => {
        let agentId: string | null = null;
        // Agents and supervisors are people: conversations and messages name the agent row.
        if (token.tenantId !== null && (token.role === 'agent' || token.role === 'supervisor')) {
          const agent = await tx.query<{ id: string }>(
            `INSERT INTO agents (tenant_id, name, authority_id, role, availability) VALUES ($1, $2, $3, $4, 'available') RETURNING id`,
            [token.tenantId, token.name ?? token.role, token.authorityId ?? null, token.role],
          );
          agentId = agent.rows[0]?.id ?? null;
        }
        const created = await tx.query<TokenRow>(
          `INSERT INTO api_tokens (token_hash, name, role, tenant_id, authority_id, agent_id)
           VALUES ($1, $2, $3, $4, $5, $6) RETURNING *`,
          [
            token.tokenHash,
            token.name ?? null,
            token.role,
            token.tenantId,
            token.authorityId ?? null,
            agentId,
          ],
        );
        const row = created.rows[0];
        if (!row) throw new GuichetError('INTERNAL', 'The token was not created');
        return toTokenView(row);
      }),
    );
  }

  listTokens(scope: Scope): Promise<TokenView[]> {
    return this.run('listTokens', async () => {
      const { values, p } = params();
      const where = scope.tenantId !== null ? `WHERE t.tenant_id = ${p(scope.tenantId)}` : '';
      const result = await this.sql.query<TokenRow>(
        `SELECT t.* FROM api_tokens t ${where} ORDER BY t.created_at DESC LIMIT 1000`,
        values,
      );
      return result.rows.map(toTokenView);
    });
  }

  revokeToken(scope: Scope, id: string): Promise<boolean> {
    if (!UUID.test(id)) return Promise.resolve(false);
    return this.run('revokeToken', async () => {
      const { values, p } = params();
      const where = [`t.id = ${p(id)}`, ...scopeWhere(scope, p, 't', false)];
      const result = await this.sql.query(
        `UPDATE api_tokens t SET revoked_at = COALESCE(t.revoked_at, now()) ${whereSql(where)}`,
        values,
      );
      return result.rowCount > 0;
    });
  }

  touchToken(id: string): Promise<void> {
    return this.run('touchToken', async () => {
      await this.sql.query('UPDATE api_tokens SET last_used_at = now() WHERE id = $1', [id]);
    });
  }

  // ---------- requests ----------

  listRequests(scope: Scope, filter: RequestFilter): Promise<Page<RequestView>> {
    return this.run('listRequests', async () => {
      const { values, p } = params();
      const where = scopeWhere(scope, p, 'r', true);
      if (filter.type) where.push(`r.type = ${p(filter.type)}`);
      if (filter.types) where.push(`r.type = ANY(${p(filter.types)}::text[])`);
      if (filter.status && filter.status.length > 0)
        where.push(`r.status = ANY(${p(filter.status)}::text[])`);
      if (filter.authority) where.push(`r.authority_id = ${p(filter.authority)}`);
      if (filter.commune) where.push(`r.commune_id = ${p(filter.commune)}`);
      if (filter.channel) where.push(`r.channel = ${p(filter.channel)}`);
      if (filter.assignedTo) where.push(`r.assigned_to = ${p(filter.assignedTo)}`);
      if (filter.from) where.push(`r.created_at >= ${p(filter.from)}::timestamptz`);
      if (filter.to) where.push(`r.created_at < ${p(filter.to)}::timestamptz`);
      if (filter.references)
        where.push(`r.reference = ANY(${p(filter.references.map((r) => r.toUpperCase()))}::text[])`);
      if (filter.categories) where.push(`r.payload ->> 'category' = ANY(${p(filter.categories)}::text[])`);
      if (filter.q) {
        const like = p(likePattern(filter.q));
        where.push(
          `(r.reference ILIKE ${like} OR r.address_text ILIKE ${like} OR r.payload::text ILIKE ${like})`,
        );
      }
      const after = cursorClause(filter.cursor, p, 'r');
      if (after) where.push(after);
      const result = await this.sql.query<RequestRow>(
        `SELECT ${REQUEST_COLUMNS} FROM requests r ${whereSql(where)}
         ORDER BY r.created_at DESC, r.id DESC LIMIT ${p(filter.limit + 1)}`,
        values,
      );
      return page(result.rows, filter.limit, toRequestView);
    });
  }

  getRequest(scope: Scope, id: string): Promise<RequestDetailView | null> {
    if (!UUID.test(id)) return Promise.resolve(null);
    return this.run('getRequest', () => this.requestDetail(this.sql, scope, 'r.id', id));
  }

  getRequestByReference(scope: Scope, reference: string): Promise<RequestDetailView | null> {
    const ref = reference.trim().toUpperCase();
    if (UUID.test(ref)) return this.getRequest(scope, ref.toLowerCase());
    if (!REFERENCE.test(ref)) return Promise.resolve(null);
    return this.run('getRequestByReference', () => this.requestDetail(this.sql, scope, 'r.reference', ref));
  }

  private async requestDetail(
    db: SqlExecutor,
    scope: Scope,
    column: string,
    value: string,
  ): Promise<RequestDetailView | null> {
    const { values, p } = params();
    const where = [`${column} = ${p(value)}`, ...scopeWhere(scope, p, 'r', true)];
    const found = await db.query<RequestRow>(
      `SELECT ${REQUEST_COLUMNS} FROM requests r ${whereSql(where)}`,
      values,
    );
    const row = found.rows[0];
    if (!row) return null;
    const events = await db.query<EventRow>(
      'SELECT status, note, actor, created_at FROM request_events WHERE request_id = $1 ORDER BY id',
      [row.id],
    );
    const conversation = row.conversation_id
      ? await this.conversationRow(db, row.tenant_id, row.conversation_id)
      : null;
    return {
      ...toRequestView(row),
      events: events.rows.map(toEventView),
      conversation: conversation ? toConversationView(conversation) : null,
    };
  }

  changeRequestStatus(
    scope: Scope,
    id: string,
    plan: (current: RequestContext) => RequestStatusUpdate | Promise<RequestStatusUpdate>,
  ): Promise<RequestDetailView | null> {
    if (!UUID.test(id)) return Promise.resolve(null);
    return this.run('changeRequestStatus', async () => {
      const changed = await this.sql.transaction(async (tx) => {
        const { values, p } = params();
        const where = [`r.id = ${p(id)}`, ...scopeWhere(scope, p, 'r', true)];
        const locked = await tx.query<RequestRow>(
          `SELECT ${REQUEST_COLUMNS} FROM requests r ${whereSql(where)} FOR UPDATE OF r`,
          values,
        );
        const row = locked.rows[0];
        if (!row) return false;
        const conversation = row.conversation_id
          ? await this.conversationRow(tx, row.tenant_id, row.conversation_id)
          : null;
        const optedOut = row.contact_id
          ? await tx.query<{ opted_out: boolean }>('SELECT opted_out FROM contacts WHERE id = $1', [
              row.contact_id,
            ])
          : { rows: [] };
        // Each follower (other than the reporter) on the conversation they last wrote in.
        const followers = await tx.query<ConversationRow & { opted_out: boolean }>(
          `SELECT DISTINCT ON (f.contact_id) ${CONVERSATION_COLUMNS}, ct.opted_out
           FROM request_followers f
           JOIN contacts ct ON ct.id = f.contact_id
           JOIN conversations c ON c.contact_id = f.contact_id AND c.tenant_id = $2
           WHERE f.request_id = $1 AND f.contact_id IS DISTINCT FROM $3::uuid
           ORDER BY f.contact_id, c.updated_at DESC`,
          [row.id, row.tenant_id, row.contact_id],
        );
        const update = await plan({
          request: toRequestView(row),
          conversation: conversation ? toConversationView(conversation) : null,
          contactOptedOut: optedOut.rows[0]?.opted_out === true,
          followers: followers.rows.map((f) => ({
            conversation: toConversationView(f),
            optedOut: f.opted_out,
          })),
        });
        await tx.query(
          `UPDATE requests SET status = $2, updated_at = now(),
             resolved_at = CASE WHEN $2 = 'resolved' THEN COALESCE(resolved_at, now()) ELSE NULL END
           WHERE id = $1`,
          [row.id, update.status],
        );
        await tx.query(
          'INSERT INTO request_events (request_id, status, note, actor) VALUES ($1, $2, $3, $4)',
          [row.id, update.status, update.note ?? null, update.actor],
        );
        if (conversation && update.messages.length > 0)
          await insertMessages(tx, row.tenant_id, conversation.id, update.messages);
        for (const follower of update.followerMessages ?? [])
          await insertMessages(tx, row.tenant_id, follower.conversationId, follower.messages);
        await insertOutbox(tx, row.tenant_id, update.outbox);
        return true;
      });
      return changed ? this.requestDetail(this.sql, scope, 'r.id', id) : null;
    });
  }

  assignRequest(
    scope: Scope,
    id: string,
    assignedTo: string | null,
    actor: string,
  ): Promise<RequestDetailView | null> {
    if (!UUID.test(id)) return Promise.resolve(null);
    return this.run('assignRequest', async () => {
      const done = await this.sql.transaction(async (tx) => {
        const { values, p } = params();
        const where = [`r.id = ${p(id)}`, ...scopeWhere(scope, p, 'r', true)];
        const updated = await tx.query<{ id: string; tenant_id: string }>(
          `UPDATE requests r SET assigned_to = ${p(assignedTo)}, updated_at = now() ${whereSql(where)} RETURNING r.id, r.tenant_id`,
          values,
        );
        const row = updated.rows[0];
        if (!row) return false;
        // Recorded in the audit log, not in the request's history: the history is what the citizen is told.
        await auditInsert(tx, {
          tenantId: row.tenant_id,
          actor,
          action: 'request.assign',
          targetType: 'request',
          targetId: row.id,
          details: { assignedTo },
        });
        return true;
      });
      return done ? this.requestDetail(this.sql, scope, 'r.id', id) : null;
    });
  }

  createRequest(request: NewBackofficeRequest, outbox: OutboxItem[]): Promise<RequestView> {
    return this.run('createRequest', () =>
      this.sql.transaction(async (tx) => {
        const created = await tx.query<RequestRow>(
          `INSERT INTO requests (reference, tenant_id, type, authority_id, commune_id, channel, payload, lat, lon,
             location_label, address_text)
           VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, $10, $11)
           RETURNING id, reference, tenant_id, type, status, authority_id, commune_id, channel, contact_id,
             conversation_id, payload, lat, lon, location_label, address_text, assigned_to, created_at, updated_at,
             resolved_at, created_at::text AS cursor_ts`,
          [
            request.reference,
            request.tenantId,
            request.type,
            request.authorityId,
            request.communeId ?? null,
            request.channel,
            JSON.stringify(request.payload),
            request.location?.lat ?? null,
            request.location?.lon ?? null,
            request.location?.label ?? null,
            request.addressText ?? null,
          ],
        );
        const row = created.rows[0];
        if (!row) throw new GuichetError('INTERNAL', 'The request was not created');
        await tx.query(`INSERT INTO request_events (request_id, status, actor) VALUES ($1, 'received', $2)`, [
          row.id,
          request.actor,
        ]);
        await insertOutbox(tx, request.tenantId, outbox);
        return toRequestView(row);
      }),
    );
  }

  // ---------- conversations ----------

  listConversations(scope: Scope, filter: ConversationFilter): Promise<Page<ConversationView>> {
    return this.run('listConversations', async () => {
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
    return this.run('getConversation', async () => {
      const row = await this.conversationRow(this.sql, scope.tenantId, id);
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
    return this.run('updateConversation', () =>
      this.sql.transaction(async (tx) => {
        const current = await this.conversationRow(tx, scope.tenantId, id, true);
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
        const after = await this.conversationRow(tx, current.tenant_id, current.id);
        return after ? toConversationView(after) : null;
      }),
    );
  }

  private async conversationRow(
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

  // ---------- contacts ----------

  getContact(scope: Scope, id: string): Promise<ContactView | null> {
    if (!UUID.test(id)) return Promise.resolve(null);
    return this.run('getContact', async () => {
      const contact = await this.contactRow(this.sql, scope, id);
      if (!contact) return null;
      const [identities, conversations, requests] = await Promise.all([
        this.identities(this.sql, id),
        this.sql.query<ConversationRow>(
          `SELECT ${CONVERSATION_COLUMNS} FROM conversations c WHERE c.contact_id = $1 AND c.tenant_id = $2 ORDER BY c.created_at DESC`,
          [id, contact.tenant_id],
        ),
        this.sql.query<RequestRow>(
          `SELECT ${REQUEST_COLUMNS} FROM requests r
           WHERE r.tenant_id = $2 AND (r.contact_id = $1 OR r.id IN (SELECT f.request_id FROM request_followers f WHERE f.contact_id = $1))
           ORDER BY r.created_at DESC`,
          [id, contact.tenant_id],
        ),
      ]);
      return {
        ...contactView(contact),
        identities,
        conversations: conversations.rows.map(toConversationView),
        requests: requests.rows.map(toRequestView),
      };
    });
  }

  exportContact(scope: Scope, id: string): Promise<ContactExport | null> {
    if (!UUID.test(id)) return Promise.resolve(null);
    return this.run('exportContact', async () => {
      const contact = await this.contactRow(this.sql, scope, id);
      if (!contact) return null;
      const identities = await this.identities(this.sql, id);
      const conversations = await this.sql.query<ConversationRow>(
        `SELECT ${CONVERSATION_COLUMNS} FROM conversations c WHERE c.contact_id = $1 AND c.tenant_id = $2 ORDER BY c.created_at`,
        [id, contact.tenant_id],
      );
      const messages = await this.sql.query<MessageRow & { conversation_id: string }>(
        `SELECT m.conversation_id, m.id, m.direction, m.text, m.payload, m.intent, m.agent_id, m.created_at
         FROM messages m JOIN conversations c ON c.id = m.conversation_id
         WHERE c.contact_id = $1 AND c.tenant_id = $2 ORDER BY m.id`,
        [id, contact.tenant_id],
      );
      const requests = await this.sql.query<RequestRow>(
        `SELECT ${REQUEST_COLUMNS} FROM requests r WHERE r.contact_id = $1 AND r.tenant_id = $2 ORDER BY r.created_at`,
        [id, contact.tenant_id],
      );
      const events = await this.sql.query<EventRow & { request_id: string }>(
        `SELECT e.request_id, e.status, e.note, e.actor, e.created_at FROM request_events e
         JOIN requests r ON r.id = e.request_id WHERE r.contact_id = $1 AND r.tenant_id = $2 ORDER BY e.id`,
        [id, contact.tenant_id],
      );
      return {
        exportedAt: new Date().toISOString(),
        contact: { ...contactView(contact), identities },
        conversations: conversations.rows.map((c) => ({
          ...toConversationView(c),
          messages: messages.rows.filter((m) => m.conversation_id === c.id).map(toMessageView),
        })),
        requests: requests.rows.map((r) => ({
          ...toRequestView(r),
          events: events.rows.filter((e) => e.request_id === r.id).map(toEventView),
        })),
      };
    });
  }

  eraseContact(
    scope: Scope,
    id: string,
    actor: string,
    anonymise: PayloadAnonymiser,
  ): Promise<ErasureResult | null> {
    if (!UUID.test(id)) return Promise.resolve(null);
    return this.run('eraseContact', () =>
      this.sql.transaction(async (tx) => {
        const contact = await this.contactRow(tx, scope, id, true);
        if (!contact) return null;
        const tenantId = contact.tenant_id;
        const conversations = await tx.query<{ id: string }>(
          'SELECT id FROM conversations WHERE contact_id = $1 AND tenant_id = $2',
          [id, tenantId],
        );
        const conversationIds = conversations.rows.map((c) => c.id);
        const addresses = (
          await tx.query<{ address: string }>(
            'SELECT address FROM contact_identities WHERE contact_id = $1',
            [id],
          )
        ).rows.map((r) => r.address);
        const messages = await tx.query('DELETE FROM messages WHERE conversation_id = ANY($1::uuid[])', [
          conversationIds,
        ]);
        const identities = await tx.query('DELETE FROM contact_identities WHERE contact_id = $1', [id]);
        // The conversation rows stay (statistics) without the phone number or session id.
        await tx.query(
          `UPDATE conversations SET address = 'erased:' || id::text, status = 'closed', owner = 'bot', agent_id = NULL,
             closed_at = COALESCE(closed_at, now()), last_intent = NULL, updated_at = now()
           WHERE id = ANY($1::uuid[])`,
          [conversationIds],
        );
        const requests = await tx.query<{
          id: string;
          type: string;
          payload: Record<string, unknown> | null;
        }>('SELECT id, type, payload FROM requests WHERE contact_id = $1 AND tenant_id = $2 FOR UPDATE', [
          id,
          tenantId,
        ]);
        const rewritten = requests.rows.map((r) => {
          const result = anonymise({ type: r.type, payload: r.payload ?? {} });
          return { id: r.id, payload: result.payload, keep_location: result.keepLocation };
        });
        if (rewritten.length > 0) {
          await tx.query(
            `UPDATE requests r SET payload = x.payload, updated_at = now(),
               address_text = CASE WHEN x.keep_location THEN r.address_text END,
               lat = CASE WHEN x.keep_location THEN r.lat END,
               lon = CASE WHEN x.keep_location THEN r.lon END,
               location_label = CASE WHEN x.keep_location THEN r.location_label END
             FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, payload jsonb, keep_location boolean)
             WHERE r.id = x.id`,
            [JSON.stringify(rewritten)],
          );
        }
        await tx.query('DELETE FROM request_followers WHERE contact_id = $1', [id]);
        // Queued messages to this person must not leave any more.
        await tx.query(
          `DELETE FROM outbox WHERE tenant_id = $1 AND status = 'pending' AND kind = 'notification'
             AND (payload ->> 'to' = ANY($2::text[]) OR payload ->> 'conversationId' = ANY($3::text[]))`,
          [tenantId, addresses, conversationIds],
        );
        // Handover summaries (and the webhook bodies carrying them) quote the citizen.
        await tx.query(
          `UPDATE outbox SET payload = jsonb_set(payload, '{summary}', '{"erased": true}'::jsonb)
           WHERE tenant_id = $1 AND kind = 'conversation.handover' AND payload ->> 'conversationId' = ANY($2::text[])`,
          [tenantId, conversationIds],
        );
        await tx.query(
          `UPDATE outbox SET payload = jsonb_set(payload, '{body}', to_jsonb('{"erased":true}'::text))
           WHERE tenant_id = $1 AND kind = 'webhook' AND payload ->> 'conversationId' = ANY($2::text[])`,
          [tenantId, conversationIds],
        );
        const erased = await tx.query<{ erased_at: Stamp }>(
          `UPDATE contacts SET display_name = NULL, locale = NULL, erased_at = now(), updated_at = now() WHERE id = $1 RETURNING erased_at`,
          [id],
        );
        await auditInsert(tx, {
          tenantId,
          actor,
          action: 'contact.erase',
          targetType: 'contact',
          targetId: id,
          details: { conversations: conversationIds.length, requests: rewritten.length },
        });
        return {
          contactId: id,
          erasedAt: iso(erased.rows[0]?.erased_at) ?? new Date().toISOString(),
          messagesDeleted: messages.rowCount,
          identitiesDeleted: identities.rowCount,
          requestsAnonymised: rewritten.length,
          conversations: conversationIds,
        };
      }),
    );
  }

  private async contactRow(
    db: SqlExecutor,
    scope: Scope,
    id: string,
    lock = false,
  ): Promise<ContactRow | null> {
    const { values, p } = params();
    const where = [`k.id = ${p(id)}`, ...scopeWhere(scope, p, 'k', false)];
    const result = await db.query<ContactRow>(
      `SELECT k.* FROM contacts k ${whereSql(where)}${lock ? ' FOR UPDATE' : ''}`,
      values,
    );
    return result.rows[0] ?? null;
  }

  private async identities(db: SqlExecutor, contactId: string): Promise<ContactView['identities']> {
    const result = await db.query<{ channel: string; address: string; created_at: Stamp }>(
      'SELECT channel, address, created_at FROM contact_identities WHERE contact_id = $1 ORDER BY created_at',
      [contactId],
    );
    return result.rows.map((r) => ({
      channel: r.channel,
      address: r.address,
      createdAt: iso(r.created_at) ?? '',
    }));
  }

  // ---------- indicators ----------

  indicators(query: IndicatorsQuery): Promise<IndicatorsView> {
    return this.run('indicators', () => indicators(this.sql, query));
  }

  // ---------- webhooks ----------

  createWebhook(webhook: NewWebhook): Promise<WebhookView> {
    return this.run('createWebhook', async () => {
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
    return this.run('listWebhooks', async () => {
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
    return this.run('deleteWebhook', async () => {
      const { values, p } = params();
      const where = [`w.id = ${p(id)}`, ...scopeWhere(scope, p, 'w', true)];
      const result = await this.sql.query(`DELETE FROM webhook_subscriptions w ${whereSql(where)}`, values);
      return result.rowCount > 0;
    });
  }

  listDeliveries(scope: Scope, filter: DeliveryFilter): Promise<Page<DeliveryView>> {
    return this.run('listDeliveries', async () => {
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

  audit(entry: AuditEntry): Promise<void> {
    return this.run('audit', () => auditInsert(this.sql, entry));
  }

  private async run<T>(what: string, op: () => Promise<T>): Promise<T> {
    try {
      return await op();
    } catch (error) {
      throw toGuichetError(error, what);
    }
  }
}

interface ContactRow {
  id: string;
  tenant_id: string;
  display_name: string | null;
  locale: string | null;
  opted_out: boolean;
  created_at: Stamp;
  erased_at: Stamp;
}

const contactView = (row: ContactRow) => ({
  id: row.id,
  tenantId: row.tenant_id,
  displayName: row.display_name,
  locale: row.locale,
  optedOut: row.opted_out,
  createdAt: iso(row.created_at) ?? '',
  erasedAt: iso(row.erased_at),
});

async function insertMessages(
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

async function insertOutbox(tx: SqlExecutor, tenantId: string, items: OutboxItem[]): Promise<void> {
  if (items.length === 0) return;
  const rows = items.map((item) => ({ kind: item.kind, payload: item.payload, dedupe_key: item.dedupeKey }));
  await tx.query(
    `INSERT INTO outbox (tenant_id, kind, payload, dedupe_key)
     SELECT $1, o.kind, o.payload, o.dedupe_key FROM jsonb_to_recordset($2::jsonb) AS o(kind text, payload jsonb, dedupe_key text)
     ON CONFLICT (dedupe_key) DO NOTHING`,
    [tenantId, JSON.stringify(rows)],
  );
}

async function auditInsert(db: SqlExecutor, entry: AuditEntry): Promise<void> {
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
