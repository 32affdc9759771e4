// AgentSessionStore over SQL (PGlite or PostgreSQL): agents' OpenID Connect identities, console sessions
// and sign-ins in progress (migration 0007). Times come from the caller's clock, so timeouts are testable.
import { GuichetError } from '../../../bot/errors';
import type {
  ActiveSession,
  AgentSessionStore,
  NewSession,
  OidcIdentity,
  PendingOidcSignIn,
  SessionAgent,
  SignInMethod,
} from '../../../backoffice/auth/ports';
import type { Role } from '../../../backoffice/schemas';
import { toGuichetError } from '../db-errors';
import type { SqlClient } from '../sql-client';

/** last_seen_at is written at most this often per session (not on every API call). */
const TOUCH_EVERY_MS = 60_000;

interface SessionRow {
  id: string;
  csrf_token: string;
  agent_id: string;
  tenant_id: string;
  method: SignInMethod;
  created_at: string | Date;
  last_seen_at: string | Date;
  expires_at: string | Date;
  name: string;
  role: Role;
  authority_id: string | null;
  team_ids: string[] | null;
}

interface AgentRow {
  id: string;
  tenant_id: string;
  name: string;
  role: Role;
  authority_id: string | null;
  disabled_at: string | Date | null;
}

const toAgent = (row: AgentRow): SessionAgent => ({
  agentId: row.id,
  tenantId: row.tenant_id,
  name: row.name,
  role: row.role,
  authorityId: row.authority_id,
});

export class PostgresAgentSessionStore implements AgentSessionStore {
  constructor(private readonly sql: SqlClient) {}

  upsertOidcAgent(identity: OidcIdentity, now: Date): Promise<SessionAgent | null> {
    return this.run('upsertOidcAgent', async () => {
      const result = await this.sql.query<AgentRow>(
        `INSERT INTO agents (tenant_id, name, email, authority_id, role, availability, oidc_issuer, oidc_subject, last_sign_in_at)
         VALUES ($1, $2,
           -- An email another agent of the tenant already has is not copied (agents' emails are unique per
           -- tenant, and an address alone never links two identities).
           CASE WHEN EXISTS (
             SELECT 1 FROM agents o WHERE o.tenant_id = $1 AND lower(o.email) = lower($3)
               AND (o.oidc_subject IS NULL OR o.oidc_issuer <> $6 OR o.oidc_subject <> $7)
           ) THEN NULL ELSE $3 END,
           $4, $5, 'available', $6, $7, $8)
         ON CONFLICT (tenant_id, oidc_issuer, oidc_subject) WHERE oidc_subject IS NOT NULL
         DO UPDATE SET name = EXCLUDED.name, email = EXCLUDED.email, authority_id = EXCLUDED.authority_id,
           role = EXCLUDED.role, last_sign_in_at = EXCLUDED.last_sign_in_at, updated_at = EXCLUDED.last_sign_in_at
         RETURNING id, tenant_id, name, role, authority_id, disabled_at`,
        [
          identity.tenantId,
          identity.name,
          identity.email,
          identity.authorityId,
          identity.role,
          identity.issuer,
          identity.subject,
          now,
        ],
      );
      const row = result.rows[0];
      if (!row || row.disabled_at) return null;
      return toAgent(row);
    });
  }

  createSession(session: NewSession): Promise<{ sessionId: string }> {
    return this.run('createSession', async () => {
      const result = await this.sql.query<{ id: string }>(
        `INSERT INTO agent_sessions (token_hash, csrf_token, agent_id, tenant_id, method, created_at, last_seen_at, expires_at, ip, user_agent)
         VALUES ($1, $2, $3, $4, $5, $6, $6, $7, $8, $9) RETURNING id`,
        [
          session.tokenHash,
          session.csrfToken,
          session.agentId,
          session.tenantId,
          session.method,
          session.now,
          session.expiresAt,
          session.ip ?? null,
          session.userAgent?.slice(0, 300) ?? null,
        ],
      );
      const id = result.rows[0]?.id;
      if (!id) throw new GuichetError('INTERNAL', 'The session was not created');
      return { sessionId: id };
    });
  }

  findSession(tokenHash: string, now: Date, idleMs: number): Promise<ActiveSession | null> {
    return this.run('findSession', async () => {
      const result = await this.sql.query<SessionRow>(
        `SELECT s.id, s.csrf_token, s.agent_id, s.tenant_id, s.method, s.created_at, s.last_seen_at, s.expires_at,
                a.name, a.role, a.authority_id,
                ARRAY(SELECT tm.team_id::text FROM team_members tm WHERE tm.agent_id = a.id) AS team_ids
         FROM agent_sessions s JOIN agents a ON a.id = s.agent_id
         WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND a.disabled_at IS NULL
           AND s.expires_at > $2 AND s.last_seen_at > $3`,
        [tokenHash, now, new Date(now.getTime() - idleMs)],
      );
      const row = result.rows[0];
      if (!row) return null;
      const lastSeenAt = new Date(row.last_seen_at);
      if (now.getTime() - lastSeenAt.getTime() >= TOUCH_EVERY_MS) {
        await this.sql.query('UPDATE agent_sessions SET last_seen_at = $2 WHERE id = $1', [row.id, now]);
      }
      return {
        sessionId: row.id,
        csrfToken: row.csrf_token,
        agentId: row.agent_id,
        tenantId: row.tenant_id,
        name: row.name,
        role: row.role,
        authorityId: row.authority_id,
        teamIds: row.team_ids ?? [],
        method: row.method,
        createdAt: new Date(row.created_at),
        lastSeenAt,
        expiresAt: new Date(row.expires_at),
      };
    });
  }

  revokeSession(sessionId: string, now: Date): Promise<void> {
    return this.run('revokeSession', async () => {
      await this.sql.query('UPDATE agent_sessions SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL', [
        sessionId,
        now,
      ]);
    });
  }

  revokeAgentSessions(agentId: string, now: Date): Promise<number> {
    return this.run('revokeAgentSessions', async () => {
      const result = await this.sql.query(
        'UPDATE agent_sessions SET revoked_at = $2 WHERE agent_id = $1 AND revoked_at IS NULL AND expires_at > $2',
        [agentId, now],
      );
      return result.rowCount;
    });
  }

  savePendingSignIn(pending: PendingOidcSignIn): Promise<void> {
    return this.run('savePendingSignIn', async () => {
      // Abandoned sign-ins are dropped here rather than by a job: they are few and tiny.
      await this.sql.query('DELETE FROM oidc_sign_ins WHERE expires_at < now()');
      await this.sql.query(
        `INSERT INTO oidc_sign_ins (id_hash, state, nonce, code_verifier, return_to, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [
          pending.idHash,
          pending.state,
          pending.nonce,
          pending.codeVerifier,
          pending.returnTo,
          pending.expiresAt,
        ],
      );
    });
  }

  takePendingSignIn(idHash: string, now: Date): Promise<PendingOidcSignIn | null> {
    return this.run('takePendingSignIn', async () => {
      const result = await this.sql.query<{
        id_hash: string;
        state: string;
        nonce: string;
        code_verifier: string;
        return_to: string;
        expires_at: string | Date;
      }>('DELETE FROM oidc_sign_ins WHERE id_hash = $1 RETURNING *', [idHash]);
      const row = result.rows[0];
      if (!row || new Date(row.expires_at) <= now) return null;
      return {
        idHash: row.id_hash,
        state: row.state,
        nonce: row.nonce,
        codeVerifier: row.code_verifier,
        returnTo: row.return_to,
        expiresAt: new Date(row.expires_at),
      };
    });
  }

  private async run<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw toGuichetError(error, operation);
    }
  }
}
