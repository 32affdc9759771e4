// Contract of AuditLog: each back-office action leaves one row naming who did what to which object.
import type { AuditLog } from '../../backoffice/ports';
import { newTenant, type Db } from './backoffice-fixture';

export function auditLogContract(db: Db, port: () => AuditLog): void {
  describe('AuditLog', () => {
    it('records a tenant action with its actor, target and details', async () => {
      const tenant = await newTenant(db);
      await port().audit({
        tenantId: tenant,
        actor: 'token:agent-1',
        action: 'webhook.create',
        targetType: 'webhook',
        targetId: 'w-1',
        details: { url: 'https://example.org/hook' },
      });
      expect(
        await db().query(
          'SELECT actor, action, target_type, target_id, details FROM audit_log WHERE tenant_id = $1',
          [tenant],
        ),
      ).toEqual([
        {
          actor: 'token:agent-1',
          action: 'webhook.create',
          target_type: 'webhook',
          target_id: 'w-1',
          details: { url: 'https://example.org/hook' },
        },
      ]);
    });

    it('records a platform action (no tenant) with empty details', async () => {
      const actor = `admin-${Math.random().toString(36).slice(2)}`;
      await port().audit({ tenantId: null, actor, action: 'token.create' });
      expect(
        await db().query('SELECT tenant_id, action, target_type, details FROM audit_log WHERE actor = $1', [
          actor,
        ]),
      ).toEqual([{ tenant_id: null, action: 'token.create', target_type: null, details: {} }]);
    });
  });
}
