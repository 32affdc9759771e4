// InterventionStore over SQL: work orders on requests. Every write runs the request's own status change
// (PostgresRequestStore.changeRequestStatus, on the same transaction) so the intervention, the request's status,
// its timeline event, the citizen's and followers' notices, the outbox rows and the audit entry are committed
// together or not at all.
import { GuichetError } from '../../../bot/errors';
import type { RequestStatus } from '../../../bot/ports';
import { checkTransition } from '../../../backoffice/interventions';
import type {
  InterventionEffects,
  InterventionFilter,
  InterventionResult,
  InterventionStatusChange,
  InterventionStore,
  InterventionWork,
  NewIntervention,
  Scope,
  StoredIntervention,
} from '../../../backoffice/ports';
import type { SqlClient, SqlExecutor } from '../sql-client';
import { boundTo, PostgresRequestStore } from './requests';
import { auditInsert, guarded, params, scopeWhere, UUID, whereSql, type Param } from './sql';

interface InterventionRow {
  id: string;
  tenant_id: string;
  request_id: string;
  team_id: string | null;
  what: string;
  planned_for: string | null;
  priority: StoredIntervention['priority'];
  notes: string | null;
  status: StoredIntervention['status'];
  reason: string | null;
  done_comment: string | null;
  done_photo: string | null;
  client_id: string | null;
  created_by: string;
  created_at: Date | string;
  updated_at: Date | string;
}

// planned_for as text: a calendar day must not go through a JavaScript Date (and a time zone) on its way out.
const COLUMNS = `i.id, i.tenant_id, i.request_id, i.team_id::text AS team_id, i.what, i.planned_for::text AS planned_for,
  i.priority, i.notes, i.status, i.reason, i.done_comment, i.done_photo, i.client_id, i.created_by, i.created_at,
  i.updated_at`;

const toIntervention = (row: InterventionRow): StoredIntervention => ({
  id: row.id,
  tenantId: row.tenant_id,
  requestId: row.request_id,
  teamId: row.team_id,
  what: row.what,
  plannedFor: row.planned_for,
  priority: row.priority,
  notes: row.notes,
  status: row.status,
  reason: row.reason,
  doneComment: row.done_comment,
  donePhoto: row.done_photo,
  clientId: row.client_id,
  createdBy: row.created_by,
  createdAt: new Date(row.created_at).toISOString(),
  updatedAt: new Date(row.updated_at).toISOString(),
});

/** The request's tenant and authority scoping (never its team's: interventions have their own team). */
function requestScope(scope: Scope): Scope {
  return { tenantId: scope.tenantId, authorityId: scope.authorityId, teams: null };
}

/** Tenant and authority through the request, team through the intervention. */
export function interventionWhere(scope: Scope, p: Param): string[] {
  const where = scopeWhere(requestScope(scope), p, 'r', true);
  if (scope.teams) where.push(`i.team_id = ANY(${p(scope.teams.teamIds)}::uuid[])`);
  return where;
}

const PRIORITY_ORDER = `CASE i.priority WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 WHEN 'normal' THEN 2 ELSE 3 END`;

/** What the timeline event records: enough to say what happened without reading the intervention again. */
function eventDetails(
  before: StoredIntervention | null,
  after: StoredIntervention,
  requestFrom: RequestStatus,
  requestTo: RequestStatus,
): Record<string, unknown> {
  return {
    interventionId: after.id,
    from: before?.status ?? null,
    status: after.status,
    what: after.what,
    teamId: after.teamId,
    plannedFor: after.plannedFor,
    priority: after.priority,
    ...(after.status === 'cannot_do' && after.reason ? { reason: after.reason } : {}),
    ...(after.status === 'done' && after.doneComment ? { comment: after.doneComment } : {}),
    ...(requestFrom !== requestTo ? { requestStatus: { from: requestFrom, to: requestTo } } : {}),
  };
}

export class PostgresInterventionStore implements InterventionStore {
  constructor(private readonly sql: SqlClient) {}

  createIntervention(
    scope: Scope,
    requestId: string,
    intervention: NewIntervention,
    effects: InterventionEffects,
  ): Promise<InterventionResult | null> {
    if (!UUID.test(requestId)) return Promise.resolve(null);
    return guarded('createIntervention', () =>
      this.sql.transaction(async (tx) => {
        const { values, p } = params();
        const where = [`r.id = ${p(requestId)}`, ...scopeWhere(scope, p, 'r', true)];
        const request = (
          await tx.query<{ id: string; tenant_id: string; status: RequestStatus }>(
            `SELECT r.id, r.tenant_id, r.status FROM requests r ${whereSql(where)} FOR UPDATE OF r`,
            values,
          )
        ).rows[0];
        if (!request) return null;
        if (intervention.clientId !== null) {
          const known = (
            await tx.query<InterventionRow>(
              `SELECT ${COLUMNS} FROM interventions i WHERE i.tenant_id = $1 AND i.client_id = $2`,
              [request.tenant_id, intervention.clientId],
            )
          ).rows[0];
          if (known && known.request_id !== request.id)
            throw new GuichetError(
              'CONFLICT',
              'clientId: already used for an intervention on another request',
            );
          if (known)
            return { intervention: toIntervention(known), requestStatus: request.status, replayed: true };
        }
        if (request.status === 'resolved' || request.status === 'rejected')
          throw new GuichetError(
            'CONFLICT',
            'La demande est close : rouvrez-la avant de prévoir une intervention. / The request is closed: reopen it before planning work.',
          );
        if (intervention.teamId !== null) {
          const team = UUID.test(intervention.teamId)
            ? await tx.query('SELECT 1 FROM teams WHERE id = $1 AND tenant_id = $2', [
                intervention.teamId,
                request.tenant_id,
              ])
            : { rows: [] };
          if (team.rows.length === 0)
            throw new GuichetError('BAD_REQUEST', `teamId: no team ${intervention.teamId}`);
        }
        let created: StoredIntervention | null = null;
        let requestStatus: RequestStatus = request.status;
        const requests = new PostgresRequestStore(boundTo(this.sql, tx));
        await requests.changeRequestStatus(scope, request.id, async (ctx) => {
          const row = (
            await tx.query<InterventionRow>(
              `INSERT INTO interventions AS i (tenant_id, request_id, team_id, what, planned_for, priority, notes, client_id,
                 created_by)
               VALUES ($1, $2, $3::uuid, $4, $5::date, $6, $7, $8, $9) RETURNING ${COLUMNS}`,
              [
                request.tenant_id,
                request.id,
                intervention.teamId,
                intervention.what,
                intervention.plannedFor,
                intervention.priority,
                intervention.notes,
                intervention.clientId,
                intervention.actor,
              ],
            )
          ).rows[0];
          if (!row) throw new GuichetError('INTERNAL', 'The intervention was not created');
          created = toIntervention(row);
          const update = await effects({
            ...ctx,
            before: null,
            after: created,
            interventions: await this.ofRequest(tx, request.id),
          });
          requestStatus = update.status;
          return {
            ...update,
            kind: 'intervention',
            details: eventDetails(null, created, ctx.request.status, update.status),
            actor: intervention.actor,
          };
        });
        const done = created as StoredIntervention | null;
        if (!done) throw new GuichetError('INTERNAL', 'The intervention was not created');
        await auditInsert(tx, {
          tenantId: request.tenant_id,
          actor: intervention.actor,
          action: 'intervention.create',
          targetType: 'intervention',
          targetId: done.id,
          details: { requestId: request.id, teamId: done.teamId, plannedFor: done.plannedFor },
        });
        return { intervention: done, requestStatus, replayed: false };
      }),
    );
  }

  listRequestInterventions(scope: Scope, requestId: string): Promise<StoredIntervention[] | null> {
    if (!UUID.test(requestId)) return Promise.resolve(null);
    return guarded('listRequestInterventions', async () => {
      const { values, p } = params();
      const where = [`r.id = ${p(requestId)}`, ...scopeWhere(scope, p, 'r', true)];
      const found = await this.sql.query(`SELECT 1 FROM requests r ${whereSql(where)}`, values);
      if (found.rows.length === 0) return null;
      return this.ofRequest(this.sql, requestId);
    });
  }

  listInterventions(scope: Scope, filter: InterventionFilter): Promise<InterventionWork[]> {
    return guarded('listInterventions', async () => {
      const { values, p } = params();
      const where = interventionWhere(scope, p);
      if (filter.teamId !== undefined) {
        if (!UUID.test(filter.teamId)) return [];
        where.push(`i.team_id = ${p(filter.teamId)}::uuid`);
      }
      if (filter.status && filter.status.length > 0)
        where.push(`i.status = ANY(${p(filter.status)}::text[])`);
      if (filter.plannedFor !== undefined) where.push(`i.planned_for = ${p(filter.plannedFor)}::date`);
      const result = await this.sql.query<
        InterventionRow & {
          reference: string;
          type: string;
          request_status: RequestStatus;
          category: string | null;
          description: string | null;
          photo_url: string | null;
          commune_id: string | null;
          address_text: string | null;
          lat: number | null;
          lon: number | null;
          location_label: string | null;
        }
      >(
        `SELECT ${COLUMNS}, r.reference, r.type, r.status AS request_status, r.payload ->> 'category' AS category,
           r.payload ->> 'description' AS description, r.payload -> 'photo' ->> 'url' AS photo_url, r.commune_id, r.address_text, r.lat, r.lon, r.location_label
         FROM interventions i JOIN requests r ON r.id = i.request_id ${whereSql(where)}
         ORDER BY i.planned_for ASC NULLS LAST, ${PRIORITY_ORDER}, i.created_at, i.id LIMIT ${p(filter.limit)}`,
        values,
      );
      return result.rows.map((row) => ({
        ...toIntervention(row),
        request: {
          reference: row.reference,
          type: row.type,
          status: row.request_status,
          category: row.category,
          description: row.description,
          // The citizen's photo, when it is a web address (the field sees what the citizen saw).
          photoUrl: row.photo_url && /^https?:\/\//.test(row.photo_url) ? row.photo_url : null,
          communeId: row.commune_id,
          addressText: row.address_text,
          location:
            row.lat !== null && row.lon !== null
              ? { lat: Number(row.lat), lon: Number(row.lon), label: row.location_label }
              : null,
        },
      }));
    });
  }

  changeInterventionStatus(
    scope: Scope,
    id: string,
    change: InterventionStatusChange,
    effects: InterventionEffects,
  ): Promise<InterventionResult | null> {
    if (!UUID.test(id)) return Promise.resolve(null);
    return guarded('changeInterventionStatus', () =>
      this.sql.transaction(async (tx) => {
        const { values, p } = params();
        const where = [`i.id = ${p(id)}`, ...interventionWhere(scope, p)];
        const row = (
          await tx.query<InterventionRow>(
            `SELECT ${COLUMNS} FROM interventions i JOIN requests r ON r.id = i.request_id ${whereSql(where)}
             FOR UPDATE OF i`,
            values,
          )
        ).rows[0];
        if (!row) return null;
        const before = toIntervention(row);
        if (change.clientId !== undefined) {
          const call = (
            await tx.query<{ intervention_id: string; status: string; answer: InterventionResult }>(
              `SELECT intervention_id, status, answer FROM intervention_client_calls WHERE tenant_id = $1 AND client_id = $2`,
              [before.tenantId, change.clientId],
            )
          ).rows[0];
          if (call && (call.intervention_id !== id || call.status !== change.status))
            throw new GuichetError('CONFLICT', 'clientId: already used for another change');
          if (call) return { ...parsedAnswer(call.answer), replayed: true };
        }
        checkTransition(before.status, change.status);
        if (change.status === 'cannot_do' && !change.reason)
          throw new GuichetError('BAD_REQUEST', 'reason: say why the intervention cannot be done');
        const updated = (
          await tx.query<InterventionRow>(
            `UPDATE interventions i SET status = $2, reason = $3, done_comment = COALESCE($4, done_comment),
               done_photo = COALESCE($5, done_photo), updated_at = now()
             WHERE i.id = $1 RETURNING ${COLUMNS}`,
            [
              id,
              change.status,
              change.status === 'cannot_do' ? (change.reason ?? null) : null,
              change.comment ?? null,
              change.photoUrl ?? null,
            ],
          )
        ).rows[0];
        if (!updated) throw new GuichetError('INTERNAL', 'The intervention was not updated');
        const after = toIntervention(updated);
        let requestStatus: RequestStatus | null = null;
        const requests = new PostgresRequestStore(boundTo(this.sql, tx));
        // The intervention's team may not be the request's queue: its scope was checked above.
        await requests.changeRequestStatus(requestScope(scope), before.requestId, async (ctx) => {
          const update = await effects({
            ...ctx,
            before,
            after,
            interventions: await this.ofRequest(tx, before.requestId),
          });
          requestStatus = update.status;
          return {
            ...update,
            kind: 'intervention',
            details: eventDetails(before, after, ctx.request.status, update.status),
            actor: change.actor,
          };
        });
        if (requestStatus === null) throw new GuichetError('NOT_FOUND', `No intervention ${id}`);
        const result: InterventionResult = { intervention: after, requestStatus, replayed: false };
        if (change.clientId !== undefined)
          await tx.query(
            `INSERT INTO intervention_client_calls (tenant_id, client_id, intervention_id, status, answer)
             VALUES ($1, $2, $3, $4, $5::jsonb)`,
            [after.tenantId, change.clientId, id, change.status, JSON.stringify(result)],
          );
        await auditInsert(tx, {
          tenantId: after.tenantId,
          actor: change.actor,
          action: 'intervention.status',
          targetType: 'intervention',
          targetId: id,
          details: { requestId: after.requestId, from: before.status, to: after.status },
        });
        return result;
      }),
    );
  }

  private async ofRequest(db: SqlExecutor, requestId: string): Promise<StoredIntervention[]> {
    const result = await db.query<InterventionRow>(
      `SELECT ${COLUMNS} FROM interventions i WHERE i.request_id = $1 ORDER BY i.created_at, i.id`,
      [requestId],
    );
    return result.rows.map(toIntervention);
  }
}

/** The answer kept with a status call's clientId (written by this store: its shape is known). */
function parsedAnswer(answer: InterventionResult | string): InterventionResult {
  return typeof answer === 'string' ? (JSON.parse(answer) as InterventionResult) : answer;
}
