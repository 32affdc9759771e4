// RequestStore over SQL: requests scoped by tenant and authority, their events, status changes written
// with their transcript notices and outbox rows in one transaction, assignment recorded in the audit log.
import { isReference } from '../../../bot/references';
import { GuichetError } from '../../../bot/errors';
import type { OutboxItem, RequestStatus } from '../../../bot/ports';
import type {
  NewBackofficeRequest,
  OpenRequestFilter,
  RequestAssignment,
  RequestContext,
  RequestFilter,
  RequestStatusUpdate,
  RequestStore,
  Scope,
  TerritoryRequest,
} from '../../../backoffice/ports';
import type { Page, RequestDetailView, RequestView } from '../../../backoffice/schemas';
import { DUE_SOON_DAYS, type ServiceLevel } from '../../../backoffice/service-levels';
import { newRowId } from '../ids';
import type { SqlClient, SqlExecutor } from '../sql-client';
import {
  auditInsert,
  conversationRow,
  cursorClause,
  guarded,
  insertMessages,
  insertOutbox,
  likePattern,
  page,
  params,
  type Param,
  scopeWhere,
  UUID,
  whereSql,
} from './sql';
import {
  CONVERSATION_COLUMNS,
  REQUEST_COLUMNS,
  toConversationView,
  EVENT_COLUMNS,
  toEventView,
  toRequestView,
  type ConversationRow,
  type EventRow,
  type RequestRow,
} from './views';

/** The team and the agent exist in the tenant, and the agent is in the team when both are named. */
async function checkAssignment(tx: SqlExecutor, tenantId: string, a: RequestAssignment): Promise<void> {
  if (a.teamId !== null) {
    const team = UUID.test(a.teamId)
      ? await tx.query('SELECT 1 FROM teams WHERE id = $1 AND tenant_id = $2', [a.teamId, tenantId])
      : { rows: [] };
    if (team.rows.length === 0) throw new GuichetError('BAD_REQUEST', `teamId: no team ${a.teamId}`);
  }
  if (a.agentId !== null) {
    const agent = await tx.query<{ member: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM team_members tm WHERE tm.agent_id = a.id AND tm.team_id::text = $3) AS member
       FROM agents a WHERE a.id = $1 AND a.tenant_id = $2 AND a.disabled_at IS NULL`,
      [a.agentId, tenantId, a.teamId],
    );
    const found = agent.rows[0];
    if (!found) throw new GuichetError('BAD_REQUEST', `agentId: no agent ${a.agentId}`);
    if (a.teamId !== null && !found.member)
      throw new GuichetError('BAD_REQUEST', 'agentId: this agent is not a member of the team');
  }
}

/**
 * Full-text search (French stemming, accents folded by guichet_fold, migration 0012) over the description,
 * address and notes, plus the reference and address as typed and the communes whose name matched.
 * The tsvector expressions are the ones migration 0012 indexes.
 */
function searchSql(q: string, communeIds: readonly string[], p: Param): string {
  const like = p(likePattern(q));
  const query = `plainto_tsquery('french'::regconfig, guichet_fold(${p(q)}))`;
  const document = `to_tsvector('french'::regconfig, guichet_fold(
    coalesce(r.payload ->> 'description', '') || ' ' || coalesce(r.address_text, '') || ' ' || coalesce(r.location_label, '')))`;
  const clauses = [
    `r.reference ILIKE ${like}`,
    `r.address_text ILIKE ${like}`,
    `${document} @@ ${query}`,
    `EXISTS (SELECT 1 FROM request_events n WHERE n.request_id = r.id AND n.note IS NOT NULL
       AND to_tsvector('french'::regconfig, guichet_fold(n.note)) @@ ${query})`,
  ];
  if (communeIds.length > 0) clauses.push(`r.commune_id = ANY(${p(communeIds)}::text[])`);
  return `(${clauses.join(' OR ')})`;
}

/**
 * The due date of each row: created_at + the delay of its service level (a category's first, then its
 * type's), NULL without one. The levels are parameters: the territory file is the one definition.
 */
function dueSql(levels: readonly ServiceLevel[], p: Param): string {
  if (levels.length === 0) return 'NULL::timestamptz';
  const ordered = [
    ...levels.filter((l) => l.category !== null),
    ...levels.filter((l) => l.category === null),
  ];
  const cases = ordered.map(
    (l) =>
      `WHEN r.tenant_id = ${p(l.tenantId)} AND r.type = ${p(l.type)}` +
      (l.category === null ? '' : ` AND r.payload ->> 'category' = ${p(l.category)}`) +
      ` THEN ${p(l.days)}::int`,
  );
  return `(r.created_at + (CASE ${cases.join(' ')} END) * interval '24 hours')`;
}

export class PostgresRequestStore implements RequestStore {
  constructor(private readonly sql: SqlClient) {}

  listRequests(scope: Scope, filter: RequestFilter): Promise<Page<RequestView>> {
    return guarded('listRequests', async () => {
      const { values, p } = params();
      const where = scopeWhere(scope, p, 'r', true);
      if (filter.type) where.push(`r.type = ${p(filter.type)}`);
      if (filter.types) where.push(`r.type = ANY(${p(filter.types)}::text[])`);
      if (filter.status && filter.status.length > 0)
        where.push(`r.status = ANY(${p(filter.status)}::text[])`);
      if (filter.authority) where.push(`r.authority_id = ${p(filter.authority)}`);
      if (filter.commune) where.push(`r.commune_id = ${p(filter.commune)}`);
      if (filter.channel) where.push(`r.channel = ${p(filter.channel)}`);
      if (filter.assignedTo) {
        const who = p(filter.assignedTo);
        where.push(`(r.assigned_to = ${who} OR r.assigned_agent_id = ${who})`);
      }
      if (filter.team) where.push(`r.team_id = ${p(filter.team)}::uuid`);
      if (filter.from) where.push(`r.created_at >= ${p(filter.from)}::timestamptz`);
      if (filter.to) where.push(`r.created_at < ${p(filter.to)}::timestamptz`);
      if (filter.references)
        where.push(`r.reference = ANY(${p(filter.references.map((r) => r.toUpperCase()))}::text[])`);
      if (filter.categories) where.push(`r.payload ->> 'category' = ANY(${p(filter.categories)}::text[])`);
      if (filter.q) where.push(searchSql(filter.q, filter.communeIds ?? [], p));
      // Built only when used: a parameter the statement does not use has no type and fails it.
      const due = filter.due || filter.sort === 'due' ? dueSql(filter.serviceLevels ?? [], p) : '';
      if (filter.due) {
        const now = `${p((filter.now ?? new Date()).toISOString())}::timestamptz`;
        where.push(`r.status IN ('received', 'in_progress')`);
        where.push(
          filter.due === 'overdue'
            ? `${due} < ${now}`
            : `${due} >= ${now} AND ${due} < ${now} + interval '${DUE_SOON_DAYS} days'`,
        );
      }
      if (filter.sort === 'due') {
        // Most urgent first, then no due date; one page (the console asks for at most 200, the export for all).
        const result = await this.sql.query<RequestRow>(
          `SELECT ${REQUEST_COLUMNS} FROM requests r ${whereSql(where)}
           ORDER BY ${due} ASC NULLS LAST, r.created_at ASC, r.id LIMIT ${p(filter.limit)}`,
          values,
        );
        return { items: result.rows.map(toRequestView), nextCursor: null };
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
    return guarded('getRequest', () => this.requestDetail(this.sql, scope, 'r.id', id));
  }

  getRequestByReference(scope: Scope, reference: string): Promise<RequestDetailView | null> {
    const ref = reference.trim().toUpperCase();
    if (UUID.test(ref)) return this.getRequest(scope, ref.toLowerCase());
    if (!isReference(ref)) return Promise.resolve(null);
    return guarded('getRequestByReference', () => this.requestDetail(this.sql, scope, 'r.reference', ref));
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
      `SELECT ${EVENT_COLUMNS} FROM request_events WHERE request_id = $1 ORDER BY id`,
      [row.id],
    );
    const conversation = row.conversation_id
      ? await conversationRow(db, row.tenant_id, row.conversation_id)
      : null;
    // Each follower's channel: the one of the conversation they last wrote in (where they are told).
    const followers = await db.query<{ since: Date | string; channel: string | null }>(
      `SELECT f.created_at AS since,
              (SELECT c.channel FROM conversations c WHERE c.contact_id = f.contact_id AND c.tenant_id = $2
                ORDER BY c.updated_at DESC LIMIT 1) AS channel
         FROM request_followers f
        WHERE f.request_id = $1 AND f.contact_id IS DISTINCT FROM $3::uuid ORDER BY f.created_at`,
      [row.id, row.tenant_id, row.contact_id],
    );
    return {
      ...toRequestView(row),
      events: events.rows.map(toEventView),
      conversation: conversation ? toConversationView(conversation) : null,
      followers: followers.rows.map((f) => ({ since: new Date(f.since).toISOString(), channel: f.channel })),
    };
  }

  changeRequestStatus(
    scope: Scope,
    id: string,
    plan: (current: RequestContext) => RequestStatusUpdate | Promise<RequestStatusUpdate>,
  ): Promise<RequestDetailView | null> {
    if (!UUID.test(id)) return Promise.resolve(null);
    return guarded('changeRequestStatus', async () => {
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
          ? await conversationRow(tx, row.tenant_id, row.conversation_id)
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
        const asked = await tx.query<{ asked: boolean }>(
          'SELECT EXISTS (SELECT 1 FROM satisfaction_answers WHERE request_id = $1) AS asked',
          [row.id],
        );
        const update = await plan({
          request: toRequestView(row),
          conversation: conversation ? toConversationView(conversation) : null,
          contactOptedOut: optedOut.rows[0]?.opted_out === true,
          satisfactionAsked: asked.rows[0]?.asked === true,
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
        const routedTeam = update.transfer
          ? await moveToAuthority(tx, row.id, update.transfer.authorityId)
          : null;
        await tx.query(
          `INSERT INTO request_events (request_id, status, note, actor, public, kind, details)
           VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)`,
          [
            row.id,
            update.status,
            update.note ?? null,
            update.actor,
            update.public === true,
            update.kind ?? 'status',
            update.details ? JSON.stringify(update.details) : null,
          ],
        );
        if (conversation && update.messages.length > 0)
          await insertMessages(tx, row.tenant_id, conversation.id, update.messages);
        for (const follower of update.followerMessages ?? [])
          await insertMessages(tx, row.tenant_id, follower.conversationId, follower.messages);
        if (routedTeam)
          await tx.query(
            `INSERT INTO request_events (request_id, status, actor, kind, details)
             VALUES ($1, $2, 'routage automatique', 'assignment', $3::jsonb)`,
            [row.id, update.status, JSON.stringify({ teamId: routedTeam, agentId: null, routed: true })],
          );
        if (update.audit)
          await auditInsert(tx, {
            tenantId: row.tenant_id,
            actor: update.actor,
            action: update.audit.action,
            targetType: 'request',
            targetId: row.id,
            details: update.audit.details,
          });
        await insertOutbox(tx, row.tenant_id, update.outbox);
        // The satisfaction question went with the notice: its row makes sure it is never asked again.
        if (update.satisfaction)
          await tx.query(
            `INSERT INTO satisfaction_answers (id, tenant_id, request_id, conversation_id, channel, asked_at)
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
            [
              update.satisfaction.id,
              row.tenant_id,
              row.id,
              update.satisfaction.conversationId,
              update.satisfaction.channel,
              update.satisfaction.askedAt,
            ],
          );
        // After a transfer the caller may no longer see the request (another authority's now): they are still
        // answered with what they just did.
        return update.transfer ? { tenantId: row.tenant_id, authorityId: null, teams: null } : scope;
      });
      return changed ? this.requestDetail(this.sql, changed, 'r.id', id) : null;
    });
  }

  listOpenRequests(
    tenantId: string,
    filter: OpenRequestFilter,
  ): Promise<{ items: TerritoryRequest[]; truncated: boolean }> {
    return guarded('listOpenRequests', async () => {
      const { values, p } = params();
      const where = [`r.tenant_id = ${p(tenantId)}`, `r.status IN ('received', 'in_progress')`];
      if (filter.commune) where.push(`r.commune_id = ${p(filter.commune)}`);
      if (filter.category) where.push(`r.payload ->> 'category' = ${p(filter.category)}`);
      if (filter.types) where.push(`r.type = ANY(${p(filter.types)}::text[])`);
      if (filter.bbox) {
        const b = filter.bbox;
        where.push(
          `r.lat BETWEEN ${p(b.south)} AND ${p(b.north)}`,
          `r.lon BETWEEN ${p(b.west)} AND ${p(b.east)}`,
        );
      }
      // Only the columns that say what and where: the payload gives its category, nothing else.
      const result = await this.sql.query<OpenRequestRow>(
        `SELECT r.reference, r.type, r.payload ->> 'category' AS category, r.commune_id, r.authority_id, r.status,
                r.created_at, r.lat, r.lon, COALESCE(r.address_text, r.location_label) AS address
         FROM requests r ${whereSql(where)}
         ORDER BY r.created_at DESC, r.id DESC LIMIT ${p(filter.limit + 1)}`,
        values,
      );
      return {
        items: result.rows.slice(0, filter.limit).map((row) => ({
          reference: row.reference,
          type: row.type,
          category: row.category,
          communeId: row.commune_id,
          authorityId: row.authority_id,
          status: row.status,
          createdAt: new Date(row.created_at).toISOString(),
          location:
            row.lat === null || row.lon === null ? null : { lat: Number(row.lat), lon: Number(row.lon) },
          address: row.address,
        })),
        truncated: result.rows.length > filter.limit,
      };
    });
  }

  setPublicDescription(
    scope: Scope,
    id: string,
    text: string | null,
    actor: string,
  ): Promise<RequestDetailView | null> {
    if (!UUID.test(id)) return Promise.resolve(null);
    return guarded('setPublicDescription', async () => {
      const done = await this.sql.transaction(async (tx) => {
        const { values, p } = params();
        const where = [`r.id = ${p(id)}`, ...scopeWhere(scope, p, 'r', true)];
        const updated = await tx.query<{ id: string; tenant_id: string }>(
          `UPDATE requests r SET public_description = ${p(text)}, updated_at = now() ${whereSql(where)}
           RETURNING r.id, r.tenant_id`,
          values,
        );
        const row = updated.rows[0];
        if (!row) return false;
        await auditInsert(tx, {
          tenantId: row.tenant_id,
          actor,
          action: text === null ? 'request.unpublish_description' : 'request.publish_description',
          targetType: 'request',
          targetId: row.id,
        });
        return true;
      });
      return done ? this.requestDetail(this.sql, scope, 'r.id', id) : null;
    });
  }

  changeRequestStatuses(
    scope: Scope,
    ids: readonly string[],
    plan: (current: RequestContext) => RequestStatusUpdate | Promise<RequestStatusUpdate>,
  ): Promise<{ updated: RequestDetailView[] } | { missing: string }> {
    // The single change, run on one transaction: one definition, all or nothing.
    return this.eachOrNone('changeRequestStatuses', ids, (inTx, id) =>
      inTx.changeRequestStatus(scope, id, plan),
    );
  }

  assignRequests(
    scope: Scope,
    ids: readonly string[],
    assignment: (current: RequestDetailView) => RequestAssignment,
    actor: string,
  ): Promise<{ updated: RequestDetailView[] } | { missing: string }> {
    return this.eachOrNone('assignRequests', ids, async (inTx, id) => {
      const current = await inTx.getRequestByReference(scope, id);
      return current ? inTx.assignRequest(scope, current.id, assignment(current), actor) : null;
    });
  }

  /**
   * One change per id in a single transaction: every request changed, or none (`missing`: the first id the
   * change did not find in scope; an error from the change refuses the whole batch).
   */
  private eachOrNone(
    operation: string,
    ids: readonly string[],
    change: (inTx: PostgresRequestStore, id: string) => Promise<RequestDetailView | null>,
  ): Promise<{ updated: RequestDetailView[] } | { missing: string }> {
    const missing = new GuichetError('NOT_FOUND', 'bulk: a request is out of scope');
    let missingId: string | null = null;
    return guarded(operation, async () => {
      try {
        return await this.sql.transaction(async (tx) => {
          const inTx = new PostgresRequestStore(boundTo(this.sql, tx));
          const updated: RequestDetailView[] = [];
          for (const id of ids) {
            const done = await change(inTx, id);
            if (!done) {
              missingId = id;
              throw missing;
            }
            updated.push(done);
          }
          return { updated };
        });
      } catch (error) {
        if (error === missing && missingId !== null) return { missing: missingId };
        throw error;
      }
    });
  }

  assignRequest(
    scope: Scope,
    id: string,
    assignment: RequestAssignment,
    actor: string,
  ): Promise<RequestDetailView | null> {
    if (!UUID.test(id)) return Promise.resolve(null);
    return guarded('assignRequest', async () => {
      const done = await this.sql.transaction(async (tx) => {
        const { values, p } = params();
        const where = [`r.id = ${p(id)}`, ...scopeWhere(scope, p, 'r', true)];
        const locked = await tx.query<{ id: string; tenant_id: string; status: string }>(
          `SELECT r.id, r.tenant_id, r.status FROM requests r ${whereSql(where)} FOR UPDATE OF r`,
          values,
        );
        const row = locked.rows[0];
        if (!row) return false;
        await checkAssignment(tx, row.tenant_id, assignment);
        await tx.query(
          `UPDATE requests SET team_id = $2::uuid, assigned_agent_id = $3, assigned_to = NULL, updated_at = now()
           WHERE id = $1`,
          [row.id, assignment.teamId, assignment.agentId],
        );
        await tx.query(
          `INSERT INTO request_events (request_id, status, actor, kind, details) VALUES ($1, $2, $3, 'assignment', $4::jsonb)`,
          [row.id, row.status, actor, JSON.stringify(assignment)],
        );
        await auditInsert(tx, {
          tenantId: row.tenant_id,
          actor,
          action: 'request.assign',
          targetType: 'request',
          targetId: row.id,
          details: { ...assignment },
        });
        return true;
      });
      return done ? this.requestDetail(this.sql, scope, 'r.id', id) : null;
    });
  }

  createRequest(request: NewBackofficeRequest, outbox: OutboxItem[]): Promise<RequestView> {
    return guarded('createRequest', () =>
      this.sql.transaction(async (tx) => {
        const created = await tx.query<RequestRow>(
          `INSERT INTO requests (reference, tenant_id, type, authority_id, commune_id, channel, payload, lat, lon,
             location_label, address_text, needs_geocoding, id)
           VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, $10, $11, $12, $13)
           RETURNING id, reference, tenant_id, type, status, authority_id, commune_id, channel, contact_id,
             conversation_id, payload, lat, lon, location_label, address_text, team_id, assigned_agent_id,
             assigned_to, created_at, updated_at, resolved_at, created_at::text AS cursor_ts`,
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
            request.needsGeocoding ?? false,
            newRowId(),
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
}

interface OpenRequestRow {
  reference: string;
  type: string;
  category: string | null;
  commune_id: string | null;
  authority_id: string;
  status: RequestStatus;
  created_at: Date | string;
  lat: number | string | null;
  lon: number | string | null;
  address: string | null;
}

/**
 * Gives the request to another authority: off its team and agent, then into the team the new authority's
 * routing rules name (guichet_route_for_authority, migration 0015), if any. Returns that team.
 */
async function moveToAuthority(
  tx: SqlExecutor,
  requestId: string,
  authorityId: string,
): Promise<string | null> {
  const moved = await tx.query<{ team_id: string | null }>(
    `UPDATE requests SET authority_id = $2, assigned_agent_id = NULL, assigned_to = NULL,
       team_id = guichet_route_for_authority(tenant_id, type, payload ->> 'category', commune_id, $2)
     WHERE id = $1 RETURNING team_id`,
    [requestId, authorityId],
  );
  return moved.rows[0]?.team_id ?? null;
}

/** A client whose statements and "transactions" all run inside the transaction `tx` already open on `sql`. */
export function boundTo(sql: SqlClient, tx: SqlExecutor): SqlClient {
  return {
    driver: sql.driver,
    query: (text, values, options) => tx.query(text, values, options),
    exec: (text) => tx.exec(text),
    transaction: (fn) => fn(tx),
    close: () => Promise.resolve(),
  };
}
