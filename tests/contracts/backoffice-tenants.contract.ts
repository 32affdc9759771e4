// Contract of TenantDirectory: a tenant's token sees its own territory only; the platform sees them all.
import type { TenantDirectory } from '../../backoffice/ports';
import { everywhere, newTenant, tenantScope, type Db } from './backoffice-fixture';

export function tenantDirectoryContract(db: Db, port: () => TenantDirectory): void {
  describe('TenantDirectory', () => {
    it('lists only the caller’s tenant, and every tenant for the platform', async () => {
      const a = await newTenant(db);
      const b = await newTenant(db);
      expect(await port().listTenants(tenantScope(a))).toEqual([{ id: a, name: `Commune ${a}` }]);
      const all = (await port().listTenants(everywhere)).map((t) => t.id);
      expect(all).toEqual(expect.arrayContaining([a, b]));
      expect(all).toEqual([...all].sort());
    });

    it('knows which tenants exist', async () => {
      const a = await newTenant(db);
      expect(await port().tenantExists(a)).toBe(true);
      expect(await port().tenantExists(`${a}-inconnue`)).toBe(false);
    });
  });
}
