// AgentDirectory over SQL: agents invited by an administrator, their one-time invitation links, passwords
// (hashes only) and lockout counters (migration 0007). Every administrator query is scoped by tenant (and
// authority): an agent outside the scope is "not found".
import { GuichetError } from '../../../bot/errors';
import type {
  AgentDirectory,
  AgentScope,
  AgentView,
  NewInvitedAgent,
  PasswordAccount,
  SessionAgent,
} from '../../../backoffice/auth/ports';
import type { Role } from '../../../backoffice/schemas';
import { toGuichetError } from '../db-errors';
import type { SqlClient, SqlExecutor } from '../sql-client';

interface AgentRow {
  id: string;
  tenant_id: string;
  name: string;
  email: string | null;
  role: Role;
  authority_id: string | null;
  oidc_subject: string | null;
  password_hash: string | null;
  disabled_at: string | Date | null;
  last_sign_in_at: string | Date | null;
  created_at: string | Date;
  locked_until: string | Date | null;
}

const iso = (v: string | Date | null): string | null => (v === null ? null : new Date(v).toISOString());

const toView = (row: AgentRow): AgentView => ({
  id: row.id,
  tenantId: row.tenant_id,
  name: row.name,
  email: row.email,
  role: row.role,
  authorityId: row.authority_id,
  signIn: row.oidc_subject ? 'oidc' : row.password_hash ? 'password' : 'invited',
  disabledAt: iso(row.disabled_at),
  lastSignInAt: iso(row.last_sign_in_at),
  createdAt: new Date(row.created_at).toISOString(),
});

const toAgent = (row: AgentRow): SessionAgent => ({
  agentId: row.id,
  tenantId: row.tenant_id,
  name: row.name,
  role: row.role,
  authorityId: row.authority_id,
});

/** `a.tenant_id = $n [AND a.authority_id = $m]` for a scope, appended to `values`. */
function scoped(scope: AgentScope, values: unknown[]): string {
  const where: string[] = [];
  if (scope.tenantId !== null) where.push(`a.tenant_id = $${values.push(scope.tenantId)}`);
  if (scope.authorityId !== null) where.push(`a.authority_id = $${values.push(scope.authorityId)}`);
  return where.length ? where.join(' AND ') : 'true';
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class PostgresAgentDirectory implements AgentDirectory {
  constructor(private readonly sql: SqlClient) {}

  createInvitedAgent(agent: NewInvitedAgent): Promise<AgentView> {
    return this.run('createInvitedAgent', () =>
      this.sql.transaction(async (tx) => {
        const created = await tx.query<AgentRow>(
          `INSERT INTO agents (tenant_id, name, email, authority_id, role, availability, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, 'offline', $6, $6) RETURNING *`,
          [agent.tenantId, agent.name, agent.email, agent.authorityId, agent.role, agent.now],
        );
        const row = created.rows[0];
        if (!row) throw new GuichetError('INTERNAL', 'The agent was not created');
        await this.invite(tx, row.id, agent.invitationHash, agent.createdBy, agent.now, agent.expiresAt);
        return toView(row);
      }),
    );
  }

  listAgents(scope: AgentScope): Promise<AgentView[]> {
    return this.run('listAgents', async () => {
      const values: unknown[] = [];
      const result = await this.sql.query<AgentRow>(
        // People only: the agents rows made for agent-role API tokens (machines) are listed with the tokens.
        `SELECT a.* FROM agents a
         WHERE ${scoped(scope, values)}
           AND (a.password_hash IS NOT NULL OR a.oidc_subject IS NOT NULL
                OR EXISTS (SELECT 1 FROM agent_invitations i WHERE i.agent_id = a.id)
                OR NOT EXISTS (SELECT 1 FROM api_tokens t WHERE t.agent_id = a.id))
         ORDER BY a.disabled_at NULLS FIRST, a.name LIMIT 1000`,
        values,
      );
      return result.rows.map(toView);
    });
  }

  setDisabled(scope: AgentScope, id: string, disabled: boolean, now: Date): Promise<AgentView | null> {
    if (!UUID.test(id)) return Promise.resolve(null);
    return this.run('setDisabled', () =>
      this.sql.transaction(async (tx) => {
        const values: unknown[] = [id, disabled ? now : null, now];
        const result = await tx.query<AgentRow>(
          `UPDATE agents a SET disabled_at = $2, updated_at = $3, failed_sign_ins = 0, locked_until = NULL
           WHERE a.id = $1 AND ${scoped(scope, values)} RETURNING a.*`,
          values,
        );
        const row = result.rows[0];
        if (!row) return null;
        if (disabled)
          await tx.query(
            'UPDATE agent_sessions SET revoked_at = $2 WHERE agent_id = $1 AND revoked_at IS NULL',
            [id, now],
          );
        return toView(row);
      }),
    );
  }

  setRole(scope: AgentScope, id: string, role: Role, now: Date): Promise<AgentView | null> {
    if (!UUID.test(id)) return Promise.resolve(null);
    return this.run('setRole', async () => {
      const values: unknown[] = [id, role, now];
      const result = await this.sql.query<AgentRow>(
        `UPDATE agents a SET role = $2, updated_at = $3 WHERE a.id = $1 AND ${scoped(scope, values)} RETURNING a.*`,
        values,
      );
      const row = result.rows[0];
      return row ? toView(row) : null;
    });
  }

  reinvite(
    scope: AgentScope,
    id: string,
    invitation: { hash: string; createdBy: string; now: Date; expiresAt: Date },
  ): Promise<AgentView | null> {
    if (!UUID.test(id)) return Promise.resolve(null);
    return this.run('reinvite', () =>
      this.sql.transaction(async (tx) => {
        const values: unknown[] = [id];
        const result = await tx.query<AgentRow>(
          `SELECT a.* FROM agents a WHERE a.id = $1 AND a.disabled_at IS NULL AND a.oidc_subject IS NULL AND ${scoped(scope, values)} FOR UPDATE`,
          values,
        );
        const row = result.rows[0];
        if (!row) return null;
        await tx.query(
          'UPDATE agent_invitations SET expires_at = $2 WHERE agent_id = $1 AND used_at IS NULL AND expires_at > $2',
          [id, invitation.now],
        );
        await this.invite(
          tx,
          id,
          invitation.hash,
          invitation.createdBy,
          invitation.now,
          invitation.expiresAt,
        );
        return toView(row);
      }),
    );
  }

  acceptInvitation(hash: string, passwordHash: string, now: Date): Promise<SessionAgent | null> {
    return this.run('acceptInvitation', () =>
      this.sql.transaction(async (tx) => {
        const used = await tx.query<{ agent_id: string }>(
          `UPDATE agent_invitations SET used_at = $2
           WHERE id_hash = $1 AND used_at IS NULL AND expires_at > $2 RETURNING agent_id`,
          [hash, now],
        );
        const agentId = used.rows[0]?.agent_id;
        if (!agentId) return null;
        const result = await tx.query<AgentRow>(
          `UPDATE agents SET password_hash = $2, failed_sign_ins = 0, locked_until = NULL, last_sign_in_at = $3, updated_at = $3
           WHERE id = $1 AND disabled_at IS NULL RETURNING *`,
          [agentId, passwordHash, now],
        );
        const row = result.rows[0];
        return row ? toAgent(row) : null;
      }),
    );
  }

  findPasswordAccounts(email: string): Promise<PasswordAccount[]> {
    return this.run('findPasswordAccounts', async () => {
      const result = await this.sql.query<AgentRow>(
        `SELECT * FROM agents WHERE lower(email) = lower($1) AND password_hash IS NOT NULL AND disabled_at IS NULL LIMIT 20`,
        [email],
      );
      return result.rows.map((row) => ({
        agent: toAgent(row),
        passwordHash: row.password_hash ?? '',
        lockedUntil: row.locked_until ? new Date(row.locked_until) : null,
      }));
    });
  }

  recordFailure(agentId: string, now: Date, maxFailures: number, lockMs: number): Promise<void> {
    return this.run('recordFailure', async () => {
      // A lock that ran out starts a new count.
      await this.sql.query(
        'UPDATE agents SET failed_sign_ins = 0, locked_until = NULL WHERE id = $1 AND locked_until <= $2',
        [agentId, now],
      );
      await this.sql.query(
        `UPDATE agents SET failed_sign_ins = failed_sign_ins + 1,
           locked_until = CASE WHEN failed_sign_ins + 1 >= $3 THEN $2::timestamptz + make_interval(secs => $4::float8 / 1000) ELSE locked_until END
         WHERE id = $1`,
        [agentId, now, maxFailures, lockMs],
      );
    });
  }

  recordSuccess(agentId: string, now: Date): Promise<void> {
    return this.run('recordSuccess', async () => {
      await this.sql.query(
        'UPDATE agents SET failed_sign_ins = 0, locked_until = NULL, last_sign_in_at = $2 WHERE id = $1',
        [agentId, now],
      );
    });
  }

  private async invite(
    tx: SqlExecutor,
    agentId: string,
    hash: string,
    createdBy: string,
    now: Date,
    expiresAt: Date,
  ): Promise<void> {
    await tx.query(
      `INSERT INTO agent_invitations (id_hash, agent_id, created_by, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)`,
      [hash, agentId, createdBy, now, expiresAt],
    );
  }

  private async run<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw toGuichetError(error, operation);
    }
  }
}
