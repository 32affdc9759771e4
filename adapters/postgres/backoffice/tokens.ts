// TokenStore over SQL: tokens are looked up by their hash; revoking keeps the first revocation date.
import { GuichetError } from '../../../bot/errors';
import type { NewToken, Scope, StoredToken, TokenStore } from '../../../backoffice/ports';
import type { TokenView } from '../../../backoffice/schemas';
import type { SqlClient } from '../sql-client';
import { guarded, params, scopeWhere, UUID, whereSql } from './sql';
import { toTokenView, type TokenRow } from './views';

export class PostgresTokenStore implements TokenStore {
  constructor(private readonly sql: SqlClient) {}

  findTokenByHash(tokenHash: string): Promise<StoredToken | null> {
    return guarded('findTokenByHash', async () => {
      // With the teams of its agent: the principal is team-scoped from its first request.
      const result = await this.sql.query<TokenRow & { team_ids: string[] | null }>(
        `SELECT t.*, ARRAY(SELECT tm.team_id::text FROM team_members tm WHERE tm.agent_id = t.agent_id) AS team_ids
         FROM api_tokens t WHERE t.token_hash = $1`,
        [tokenHash],
      );
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
        teamIds: row.team_ids ?? [],
        expiresAt: row.expires_at ? new Date(row.expires_at) : null,
        revokedAt: row.revoked_at ? new Date(row.revoked_at) : null,
      };
    });
  }

  createToken(token: NewToken): Promise<TokenView> {
    return guarded('createToken', () =>
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
    return guarded('listTokens', async () => {
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
    return guarded('revokeToken', async () => {
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
    return guarded('touchToken', async () => {
      await this.sql.query('UPDATE api_tokens SET last_used_at = now() WHERE id = $1', [id]);
    });
  }
}
