// Contract of CallbackStore: one task per promise (a replayed hand-over records nothing twice), the
// caller's tenant only, open first by due time; outcomes counted and audited; a done task cannot be
// marked again; erasure deletes a contact's tasks.
import { randomUUID } from 'node:crypto';
import type { CallbackStore } from '../../backoffice/ports';
import { count, newTenant, seed, tenantScope, type Db } from './backoffice-fixture';
import { expectGuichetError } from './helpers';

export function callbackStoreContract(db: Db, port: () => CallbackStore): void {
  async function promised(tenantId: string, dueInMinutes: number, conversationId?: string) {
    const conversation = conversationId ?? (await seed(db, tenantId)).conversationId;
    const promiseKey = `handover:${randomUUID()}`;
    const recorded = await port().recordCallback({
      tenantId,
      conversationId: conversation,
      promiseKey,
      phone: '+33612345678',
      question: 'Mon voisin brûle des déchets',
      promisedBy: new Date(Date.now() + dueInMinutes * 60_000),
    });
    return { recorded, promiseKey, conversationId: conversation };
  }

  describe('CallbackStore', () => {
    it('records one task per promise, with the conversation’s contact', async () => {
      const tenant = await newTenant(db);
      const seeded = await seed(db, tenant);
      const first = await promised(tenant, 60, seeded.conversationId);
      expect(first.recorded).toBe(true);
      const again = await port().recordCallback({
        tenantId: tenant,
        conversationId: seeded.conversationId,
        promiseKey: first.promiseKey,
        phone: '+33612345678',
        question: null,
        promisedBy: new Date(),
      });
      expect(again).toBe(true);
      const list = await port().listCallbacks(tenantScope(tenant), { limit: 10 });
      expect(list).toHaveLength(1);
      expect(list[0]).toMatchObject({
        contactId: seeded.contactId,
        phone: '+33612345678',
        question: 'Mon voisin brûle des déchets',
        status: 'open',
        attempts: 0,
      });
    });

    it('refuses a conversation of another tenant', async () => {
      const tenant = await newTenant(db);
      const other = await newTenant(db);
      const { conversationId } = await seed(db, other);
      expect((await promised(tenant, 10, conversationId)).recorded).toBe(false);
      expect(await port().listCallbacks(tenantScope(tenant), { limit: 10 })).toEqual([]);
    });

    it('lists the caller’s tenant only, open first by due time, filtered by status', async () => {
      const tenant = await newTenant(db);
      const other = await newTenant(db);
      await promised(tenant, 120);
      await promised(tenant, 30);
      await promised(other, 10);
      const list = await port().listCallbacks(tenantScope(tenant), { limit: 10 });
      expect(list.map((c) => c.tenantId)).toEqual([tenant, tenant]);
      expect(list[0]!.promisedBy.getTime()).toBeLessThan(list[1]!.promisedBy.getTime());
      await port().markCallback(tenantScope(tenant), list[0]!.id, { status: 'done', actor: 'agent:a' });
      expect(await port().listCallbacks(tenantScope(tenant), { status: ['open'], limit: 10 })).toHaveLength(
        1,
      );
      expect(await port().listCallbacks(tenantScope(tenant), { status: ['done'], limit: 10 })).toHaveLength(
        1,
      );
    });

    it('counts attempts, keeps the note, audits, and refuses to mark a done task again', async () => {
      const tenant = await newTenant(db);
      await promised(tenant, 10);
      const [task] = await port().listCallbacks(tenantScope(tenant), { limit: 1 });
      const scope = tenantScope(tenant);
      await port().markCallback(scope, task!.id, {
        status: 'not_reached',
        note: 'messagerie',
        actor: 'agent:a',
      });
      const twice = await port().markCallback(scope, task!.id, { status: 'not_reached', actor: 'agent:b' });
      expect(twice).toMatchObject({
        status: 'not_reached',
        attempts: 2,
        note: 'messagerie',
        handledBy: 'agent:b',
      });
      const done = await port().markCallback(scope, task!.id, { status: 'done', actor: 'agent:a' });
      expect(done).toMatchObject({ status: 'done', attempts: 3 });
      await expectGuichetError(
        port().markCallback(scope, task!.id, { status: 'not_reached', actor: 'agent:a' }),
        'CONFLICT',
      );
      expect(
        await count(
          db,
          `SELECT count(*) AS n FROM audit_log WHERE target_type = 'callback' AND target_id = $1`,
          [task!.id],
        ),
      ).toBe(3);
    });

    it('does not find another tenant’s task, nor a malformed id', async () => {
      const tenant = await newTenant(db);
      const other = await newTenant(db);
      await promised(other, 10);
      const [task] = await port().listCallbacks(tenantScope(other), { limit: 1 });
      expect(
        await port().markCallback(tenantScope(tenant), task!.id, { status: 'done', actor: 'x' }),
      ).toBeNull();
      expect(
        await port().markCallback(tenantScope(tenant), 'nope', { status: 'done', actor: 'x' }),
      ).toBeNull();
    });

    it('erases a contact’s tasks within the scope only', async () => {
      const tenant = await newTenant(db);
      const seeded = await seed(db, tenant);
      await promised(tenant, 10, seeded.conversationId);
      expect(await port().eraseContactCallbacks(tenantScope(await newTenant(db)), seeded.contactId)).toBe(0);
      expect(await port().eraseContactCallbacks(tenantScope(tenant), seeded.contactId)).toBe(1);
      expect(await port().listCallbacks(tenantScope(tenant), { limit: 10 })).toEqual([]);
    });
  });
}
