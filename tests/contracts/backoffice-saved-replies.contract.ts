// Contract of SavedReplyStore: a tenant's saved replies, listed by title, changed and removed within the tenant
// only (another tenant's id is simply absent), each change audited.
import type { SavedReplyStore } from '../../backoffice/ports';
import { newTenant, type Db } from './backoffice-fixture';

export function savedReplyStoreContract(db: Db, port: () => SavedReplyStore): void {
  describe('SavedReplyStore', () => {
    it('creates, lists by title, changes and removes a tenant’s saved replies', async () => {
      const tenant = await newTenant(db);
      const b = await port().create(
        tenant,
        { title: 'Travaux planifiés', body: 'Votre demande {reference}…' },
        'agent:1',
      );
      const a = await port().create(tenant, { title: 'Ampoule changée', body: 'C’est réparé.' }, 'agent:1');
      expect((await port().list(tenant)).map((r) => r.title)).toEqual([
        'Ampoule changée',
        'Travaux planifiés',
      ]);
      expect(await port().get(tenant, b.id)).toMatchObject({
        title: 'Travaux planifiés',
        createdBy: 'agent:1',
      });
      const changed = await port().update(
        tenant,
        a.id,
        { title: 'Ampoule remplacée', body: 'Réparé.' },
        'agent:2',
      );
      expect(changed).toMatchObject({ title: 'Ampoule remplacée', body: 'Réparé.' });
      expect(await port().remove(tenant, b.id, 'agent:2')).toBe(true);
      expect((await port().list(tenant)).map((r) => r.id)).toEqual([a.id]);
      const audit = await db().query('SELECT action FROM audit_log WHERE tenant_id = $1 ORDER BY id', [
        tenant,
      ]);
      expect(audit.map((r) => r.action)).toEqual([
        'saved_reply.create',
        'saved_reply.create',
        'saved_reply.update',
        'saved_reply.delete',
      ]);
    });

    it('never reaches another tenant’s reply, nor a malformed id', async () => {
      const mine = await newTenant(db);
      const theirs = await newTenant(db);
      const reply = await port().create(theirs, { title: 'T', body: 'B' }, 'agent:1');
      expect(await port().get(mine, reply.id)).toBeNull();
      expect(await port().update(mine, reply.id, { title: 'X', body: 'Y' }, 'agent:1')).toBeNull();
      expect(await port().remove(mine, reply.id, 'agent:1')).toBe(false);
      expect(await port().get(mine, 'not-a-uuid')).toBeNull();
      expect(await port().list(mine)).toEqual([]);
      expect(await port().get(theirs, reply.id)).not.toBeNull();
    });
  });
}
