// Contract of TokenStore: tokens found by their hash only, never shown with it, listed and revoked
// within the caller's tenant; agents and supervisors are people (an agents row).
import { createHash, randomBytes } from 'node:crypto';
import type { TokenStore } from '../../backoffice/ports';
import { count, everywhere, newTenant, tenantScope, type Db } from './backoffice-fixture';

const freshHash = (): string => createHash('sha256').update(randomBytes(32)).digest('hex');

export function tokenStoreContract(db: Db, port: () => TokenStore): void {
  describe('TokenStore', () => {
    it('finds a token by its hash with its role and scope, and never shows the hash', async () => {
      const tenant = await newTenant(db);
      const hash = freshHash();
      const view = await port().createToken({
        tokenHash: hash,
        role: 'agent',
        name: 'Accueil mairie',
        tenantId: tenant,
        authorityId: 'mairie',
      });
      expect(view).toMatchObject({
        name: 'Accueil mairie',
        role: 'agent',
        tenantId: tenant,
        authorityId: 'mairie',
        lastUsedAt: null,
        revokedAt: null,
      });
      expect(JSON.stringify(view)).not.toContain(hash);
      expect(await port().findTokenByHash(hash)).toMatchObject({
        id: view.id,
        tokenHash: hash,
        role: 'agent',
        tenantId: tenant,
        authorityId: 'mairie',
        agentId: view.agentId,
        expiresAt: null,
        revokedAt: null,
      });
      expect(await port().findTokenByHash(freshHash())).toBeNull();
    });

    it('gives agents and supervisors an agent record, not administrators or integrations', async () => {
      const tenant = await newTenant(db);
      const agent = await port().createToken({
        tokenHash: freshHash(),
        role: 'agent',
        name: 'Lou',
        tenantId: tenant,
      });
      const supervisor = await port().createToken({
        tokenHash: freshHash(),
        role: 'supervisor',
        tenantId: tenant,
      });
      const admin = await port().createToken({ tokenHash: freshHash(), role: 'admin', tenantId: tenant });
      const platform = await port().createToken({ tokenHash: freshHash(), role: 'admin', tenantId: null });
      expect(agent.agentId).toEqual(expect.any(String));
      expect(supervisor.agentId).toEqual(expect.any(String));
      expect(admin.agentId).toBeNull();
      expect(platform.agentId).toBeNull();
      expect(
        await db().query('SELECT name, role FROM agents WHERE tenant_id = $1 ORDER BY role', [tenant]),
      ).toEqual([
        { name: 'Lou', role: 'agent' },
        { name: 'supervisor', role: 'supervisor' },
      ]);
    });

    it('lists the tokens of the caller’s tenant only, newest first; the platform sees every tenant', async () => {
      const a = await newTenant(db);
      const b = await newTenant(db);
      const first = await port().createToken({ tokenHash: freshHash(), role: 'agent', tenantId: a });
      const second = await port().createToken({ tokenHash: freshHash(), role: 'supervisor', tenantId: a });
      const other = await port().createToken({ tokenHash: freshHash(), role: 'agent', tenantId: b });
      const listed = await port().listTokens(tenantScope(a));
      expect(listed.map((t) => t.id)).toEqual([second.id, first.id]);
      const all = (await port().listTokens(everywhere)).map((t) => t.id);
      expect(all).toEqual(expect.arrayContaining([first.id, second.id, other.id]));
    });

    it('revokes within the tenant only, keeps the first revocation date, and ignores unknown ids', async () => {
      const a = await newTenant(db);
      const b = await newTenant(db);
      const hash = freshHash();
      const token = await port().createToken({ tokenHash: hash, role: 'agent', tenantId: a });

      expect(await port().revokeToken(tenantScope(b), token.id)).toBe(false);
      expect((await port().findTokenByHash(hash))?.revokedAt).toBeNull();

      expect(await port().revokeToken(tenantScope(a), token.id)).toBe(true);
      const revokedAt = (await port().findTokenByHash(hash))?.revokedAt;
      expect(revokedAt).toBeInstanceOf(Date);
      expect(await port().revokeToken(everywhere, token.id)).toBe(true);
      expect((await port().findTokenByHash(hash))?.revokedAt).toEqual(revokedAt);
      expect((await port().listTokens(tenantScope(a)))[0]?.revokedAt).toBe(revokedAt?.toISOString());

      expect(await port().revokeToken(everywhere, 'not-a-uuid')).toBe(false);
      expect(await port().revokeToken(everywhere, '00000000-0000-4000-8000-000000000000')).toBe(false);
    });

    it('records when a token was last used', async () => {
      const tenant = await newTenant(db);
      const token = await port().createToken({ tokenHash: freshHash(), role: 'agent', tenantId: tenant });
      await port().touchToken(token.id);
      const [listed] = await port().listTokens(tenantScope(tenant));
      expect(listed?.lastUsedAt).toEqual(expect.any(String));
      expect(
        await count(db, 'SELECT count(*) AS n FROM api_tokens WHERE id = $1 AND last_used_at IS NOT NULL', [
          token.id,
        ]),
      ).toBe(1);
    });
  });
}
