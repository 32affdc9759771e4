// TeamStore over SQL (migration 0010): teams with their scope and members, and the routing rules the
// database applies when a request is inserted. Every change is written to the audit log in its transaction.
import { GuichetError } from '../../../bot/errors';
import type { NewRoutingRule, NewTeam, Scope, TeamChange, TeamStore } from '../../../backoffice/ports';
import type { RoutingRuleView, TeamView } from '../../../backoffice/team-schemas';
import type { SqlClient, SqlExecutor } from '../sql-client';
import { auditInsert, guarded, params, scopeWhere, UUID, whereSql } from './sql';
import { iso, type Stamp } from './views';

interface TeamRow {
  id: string;
  tenant_id: string;
  name: string;
  authority_id: string | null;
  communes: string[];
  request_types: string[];
  members: { agentId: string; name: string }[] | null;
  created_at: Stamp;
  updated_at: Stamp;
}

interface RuleRow {
  id: string;
  tenant_id: string;
  request_type: string;
  category: string | null;
  commune_id: string | null;
  team_id: string;
  position: number | string;
  created_at: Stamp;
}

const TEAM_COLUMNS = `t.id, t.tenant_id, t.name, t.authority_id, t.communes, t.request_types, t.created_at, t.updated_at,
  (SELECT jsonb_agg(jsonb_build_object('agentId', a.id, 'name', a.name) ORDER BY a.name)
     FROM team_members tm JOIN agents a ON a.id = tm.agent_id WHERE tm.team_id = t.id) AS members`;

const toTeam = (row: TeamRow): TeamView => ({
  id: row.id,
  tenantId: row.tenant_id,
  name: row.name,
  authorityId: row.authority_id,
  communes: row.communes,
  requestTypes: row.request_types,
  members: row.members ?? [],
  createdAt: iso(row.created_at) ?? '',
  updatedAt: iso(row.updated_at) ?? '',
});

const toRule = (row: RuleRow, index: number): RoutingRuleView => ({
  id: row.id,
  tenantId: row.tenant_id,
  requestType: row.request_type,
  category: row.category,
  communeId: row.commune_id,
  teamId: row.team_id,
  position: index + 1,
  createdAt: iso(row.created_at) ?? '',
});

/** Team scoping restricts requests, not the organisation: teams and rules are read by tenant (and authority). */
const orgScope = (scope: Scope): Scope => ({ tenantId: scope.tenantId, authorityId: null });

export class PostgresTeamStore implements TeamStore {
  constructor(private readonly sql: SqlClient) {}

  listTeams(scope: Scope): Promise<TeamView[]> {
    return guarded('listTeams', async () => {
      const { values, p } = params();
      const where = scopeWhere(orgScope(scope), p, 't', false);
      const result = await this.sql.query<TeamRow>(
        `SELECT ${TEAM_COLUMNS} FROM teams t ${whereSql(where)} ORDER BY lower(t.name) LIMIT 500`,
        values,
      );
      return result.rows.map(toTeam);
    });
  }

  createTeam(team: NewTeam, actor: string): Promise<TeamView> {
    return guarded('createTeam', () =>
      this.sql.transaction(async (tx) => {
        const created = await tx.query<{ id: string }>(
          `INSERT INTO teams (tenant_id, name, authority_id, communes, request_types)
           VALUES ($1, $2, $3, $4::text[], $5::text[]) RETURNING id`,
          [team.tenantId, team.name, team.authorityId ?? null, team.communes ?? [], team.requestTypes ?? []],
        );
        const id = created.rows[0]?.id;
        if (!id) throw new GuichetError('INTERNAL', 'The team was not created');
        if (team.memberIds) await setMembers(tx, team.tenantId, id, team.memberIds);
        await auditInsert(tx, {
          tenantId: team.tenantId,
          actor,
          action: 'team.create',
          targetType: 'team',
          targetId: id,
          details: { name: team.name, memberIds: team.memberIds ?? [] },
        });
        return this.team(tx, id);
      }),
    );
  }

  updateTeam(scope: Scope, id: string, change: TeamChange, actor: string): Promise<TeamView | null> {
    if (!UUID.test(id)) return Promise.resolve(null);
    return guarded('updateTeam', () =>
      this.sql.transaction(async (tx) => {
        const found = await this.locked(tx, scope, id);
        if (!found) return null;
        await tx.query(
          `UPDATE teams SET name = COALESCE($2, name),
             authority_id = CASE WHEN $3 THEN $4 ELSE authority_id END,
             communes = COALESCE($5::text[], communes), request_types = COALESCE($6::text[], request_types),
             updated_at = now()
           WHERE id = $1`,
          [
            id,
            change.name ?? null,
            change.authorityId !== undefined,
            change.authorityId ?? null,
            change.communes ?? null,
            change.requestTypes ?? null,
          ],
        );
        if (change.memberIds) await setMembers(tx, found.tenant_id, id, change.memberIds);
        await auditInsert(tx, {
          tenantId: found.tenant_id,
          actor,
          action: 'team.update',
          targetType: 'team',
          targetId: id,
          details: { ...change },
        });
        return this.team(tx, id);
      }),
    );
  }

  deleteTeam(scope: Scope, id: string, actor: string): Promise<boolean> {
    if (!UUID.test(id)) return Promise.resolve(false);
    return guarded('deleteTeam', () =>
      this.sql.transaction(async (tx) => {
        const found = await this.locked(tx, scope, id);
        if (!found) return false;
        // Its requests leave its queue (team_id → NULL) and its rules go with it (ON DELETE).
        await tx.query('DELETE FROM teams WHERE id = $1', [id]);
        await auditInsert(tx, {
          tenantId: found.tenant_id,
          actor,
          action: 'team.delete',
          targetType: 'team',
          targetId: id,
          details: { name: found.name },
        });
        return true;
      }),
    );
  }

  listRoutingRules(scope: Scope): Promise<RoutingRuleView[]> {
    return guarded('listRoutingRules', () => this.rules(this.sql, orgScope(scope)));
  }

  createRoutingRule(rule: NewRoutingRule, actor: string): Promise<RoutingRuleView> {
    return guarded('createRoutingRule', () =>
      this.sql.transaction(async (tx) => {
        const team = await tx.query('SELECT 1 FROM teams WHERE id = $1 AND tenant_id = $2', [
          rule.teamId,
          rule.tenantId,
        ]);
        if (team.rows.length === 0) throw new GuichetError('BAD_REQUEST', `teamId: no team ${rule.teamId}`);
        const created = await tx.query<{ id: string }>(
          `INSERT INTO routing_rules (tenant_id, request_type, category, commune_id, team_id, position)
           VALUES ($1, $2, $3, $4, $5::uuid,
             (SELECT COALESCE(max(position), 0) + 1 FROM routing_rules WHERE tenant_id = $1))
           RETURNING id`,
          [rule.tenantId, rule.requestType, rule.category ?? null, rule.communeId ?? null, rule.teamId],
        );
        const id = created.rows[0]?.id;
        if (!id) throw new GuichetError('INTERNAL', 'The rule was not created');
        await auditInsert(tx, {
          tenantId: rule.tenantId,
          actor,
          action: 'routing_rule.create',
          targetType: 'routing_rule',
          targetId: id,
          details: { ...rule },
        });
        const all = await this.rules(tx, { tenantId: rule.tenantId, authorityId: null });
        const made = all.find((r) => r.id === id);
        if (!made) throw new GuichetError('INTERNAL', 'The rule was not created');
        return made;
      }),
    );
  }

  deleteRoutingRule(scope: Scope, id: string, actor: string): Promise<boolean> {
    if (!UUID.test(id)) return Promise.resolve(false);
    return guarded('deleteRoutingRule', () =>
      this.sql.transaction(async (tx) => {
        const { values, p } = params();
        const where = [`rr.id = ${p(id)}`, ...scopeWhere(orgScope(scope), p, 'rr', false)];
        const deleted = await tx.query<{ tenant_id: string }>(
          `DELETE FROM routing_rules rr ${whereSql(where)} RETURNING rr.tenant_id`,
          values,
        );
        const row = deleted.rows[0];
        if (!row) return false;
        await auditInsert(tx, {
          tenantId: row.tenant_id,
          actor,
          action: 'routing_rule.delete',
          targetType: 'routing_rule',
          targetId: id,
        });
        return true;
      }),
    );
  }

  moveRoutingRule(scope: Scope, id: string, by: -1 | 1, actor: string): Promise<RoutingRuleView[] | null> {
    if (!UUID.test(id)) return Promise.resolve(null);
    return guarded('moveRoutingRule', () =>
      this.sql.transaction(async (tx) => {
        const { values, p } = params();
        const where = [`rr.id = ${p(id)}`, ...scopeWhere(orgScope(scope), p, 'rr', false)];
        const found = await tx.query<{ tenant_id: string }>(
          `SELECT rr.tenant_id FROM routing_rules rr ${whereSql(where)}`,
          values,
        );
        const tenantId = found.rows[0]?.tenant_id;
        if (!tenantId) return null;
        // Serialises concurrent reorderings of one tenant's rules.
        await tx.query('SELECT 1 FROM routing_rules WHERE tenant_id = $1 FOR UPDATE', [tenantId]);
        const tenant: Scope = { tenantId, authorityId: null };
        const ordered = await this.rules(tx, tenant);
        const at = ordered.findIndex((r) => r.id === id);
        const to = at + by;
        if (to >= 0 && to < ordered.length) {
          const ids = ordered.map((r) => r.id);
          [ids[at], ids[to]] = [ids[to] as string, ids[at] as string];
          // Renumbered 1..n in the new order.
          await tx.query(
            `UPDATE routing_rules rr SET position = o.n FROM unnest($1::uuid[]) WITH ORDINALITY AS o(id, n)
             WHERE rr.id = o.id`,
            [ids],
          );
          await auditInsert(tx, {
            tenantId,
            actor,
            action: 'routing_rule.move',
            targetType: 'routing_rule',
            targetId: id,
            details: { by },
          });
        }
        return this.rules(tx, tenant);
      }),
    );
  }

  private async team(db: SqlExecutor, id: string): Promise<TeamView> {
    const result = await db.query<TeamRow>(`SELECT ${TEAM_COLUMNS} FROM teams t WHERE t.id = $1`, [id]);
    const row = result.rows[0];
    if (!row) throw new GuichetError('INTERNAL', 'The team vanished');
    return toTeam(row);
  }

  private async locked(
    tx: SqlExecutor,
    scope: Scope,
    id: string,
  ): Promise<{ tenant_id: string; name: string } | null> {
    const { values, p } = params();
    const where = [`t.id = ${p(id)}`, ...scopeWhere(orgScope(scope), p, 't', false)];
    const found = await tx.query<{ tenant_id: string; name: string }>(
      `SELECT t.tenant_id, t.name FROM teams t ${whereSql(where)} FOR UPDATE`,
      values,
    );
    return found.rows[0] ?? null;
  }

  private async rules(db: SqlExecutor, scope: Scope): Promise<RoutingRuleView[]> {
    const { values, p } = params();
    const where = scopeWhere(scope, p, 'rr', false);
    const result = await db.query<RuleRow>(
      `SELECT rr.* FROM routing_rules rr ${whereSql(where)}
       ORDER BY rr.tenant_id, rr.position, rr.created_at, rr.id LIMIT 1000`,
      values,
    );
    return result.rows.map(toRule);
  }
}

/** Replaces a team's members; each must be an agent of the team's tenant (else BAD_REQUEST). */
async function setMembers(
  tx: SqlExecutor,
  tenantId: string,
  teamId: string,
  agentIds: string[],
): Promise<void> {
  const unique = [...new Set(agentIds)];
  const known = await tx.query<{ id: string }>(
    'SELECT id FROM agents WHERE id = ANY($1::text[]) AND tenant_id = $2',
    [unique, tenantId],
  );
  const missing = unique.filter((id) => !known.rows.some((row) => row.id === id));
  if (missing.length > 0) throw new GuichetError('BAD_REQUEST', `memberIds: no agent ${missing[0]}`);
  await tx.query('DELETE FROM team_members WHERE team_id = $1', [teamId]);
  await tx.query('INSERT INTO team_members (team_id, agent_id) SELECT $1, unnest($2::text[])', [
    teamId,
    unique,
  ]);
}
