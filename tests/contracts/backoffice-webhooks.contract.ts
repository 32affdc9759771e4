// Contract of WebhookStore: subscriptions of the caller's tenant (and authority) only, never with their
// secret; deletion within scope and idempotent; deliveries listed without their bodies, newest first.
import type { WebhookStore } from '../../backoffice/ports';
import { newTenant, tenantScope, type Db } from './backoffice-fixture';
import { expectGuichetError } from './helpers';

export function webhookStoreContract(db: Db, port: () => WebhookStore): void {
  const register = (tenantId: string, authorityId?: string) =>
    port().createWebhook({
      tenantId,
      authorityId,
      url: `https://sig.example.org/${authorityId ?? 'all'}`,
      events: ['request.created', 'request.status_changed'],
      secret: `secret-${Math.random().toString(36).slice(2)}`,
    });

  async function delivery(
    tenantId: string,
    subscriptionId: string,
    status: 'pending' | 'delivered' | 'failed',
  ): Promise<string> {
    const [row] = await db().query(
      `INSERT INTO outbox (tenant_id, kind, payload, dedupe_key, status) VALUES ($1, 'webhook', $2::jsonb, $3, $4) RETURNING id`,
      [
        tenantId,
        JSON.stringify({
          subscriptionId,
          event: 'request.created',
          url: 'https://sig.example.org/hook',
          body: '{"reference":"DEM-BODY-SECRET"}',
        }),
        `webhook:${subscriptionId}:${Math.random().toString(36).slice(2)}`,
        status,
      ],
    );
    return String(row?.id);
  }

  describe('WebhookStore', () => {
    it('registers a subscription and never shows its secret', async () => {
      const a = await newTenant(db);
      const secret = 'ne-jamais-afficher-ce-secret';
      const created = await port().createWebhook({
        tenantId: a,
        url: 'https://sig.example.org/hook',
        events: ['conversation.handover'],
        secret,
      });
      expect(created).toMatchObject({
        tenantId: a,
        authorityId: null,
        url: 'https://sig.example.org/hook',
        events: ['conversation.handover'],
        active: true,
        failureCount: 0,
        lastDeliveryAt: null,
      });
      const listed = await port().listWebhooks(tenantScope(a));
      expect(listed).toEqual([created]);
      expect(JSON.stringify(listed)).not.toContain(secret);
    });

    it('lists a tenant’s subscriptions only, and an authority’s own only', async () => {
      const a = await newTenant(db);
      const b = await newTenant(db);
      const all = await register(a);
      const voirie = await register(a, 'voirie');
      await register(b);
      expect((await port().listWebhooks(tenantScope(a))).map((w) => w.id).sort()).toEqual(
        [all.id, voirie.id].sort(),
      );
      expect((await port().listWebhooks(tenantScope(a, 'voirie'))).map((w) => w.id)).toEqual([voirie.id]);
      expect((await port().listWebhooks(tenantScope(a, 'ecoles'))).map((w) => w.id)).toEqual([]);
    });

    it('deletes within scope only, and a second deletion finds nothing', async () => {
      const a = await newTenant(db);
      const b = await newTenant(db);
      const hook = await register(a, 'voirie');
      expect(await port().deleteWebhook(tenantScope(b), hook.id)).toBe(false);
      expect(await port().deleteWebhook(tenantScope(a, 'ecoles'), hook.id)).toBe(false);
      expect(await port().deleteWebhook(tenantScope(a), 'not-a-uuid')).toBe(false);
      expect(await port().listWebhooks(tenantScope(a))).toHaveLength(1);
      expect(await port().deleteWebhook(tenantScope(a, 'voirie'), hook.id)).toBe(true);
      expect(await port().deleteWebhook(tenantScope(a, 'voirie'), hook.id)).toBe(false);
      expect(await port().listWebhooks(tenantScope(a))).toEqual([]);
    });

    it('lists deliveries newest first, without their bodies, filtered and paged', async () => {
      const a = await newTenant(db);
      const voirie = await register(a, 'voirie');
      const ecoles = await register(a, 'ecoles');
      const first = await delivery(a, voirie.id, 'delivered');
      const second = await delivery(a, voirie.id, 'pending');
      const third = await delivery(a, ecoles.id, 'failed');

      const page1 = await port().listDeliveries(tenantScope(a), { limit: 2 });
      expect(page1.items.map((d) => d.id)).toEqual([third, second]);
      expect(page1.items[1]).toMatchObject({
        subscriptionId: voirie.id,
        event: 'request.created',
        url: 'https://sig.example.org/hook',
        status: 'pending',
        attempts: 0,
        nextAttemptAt: expect.any(String),
      });
      expect(JSON.stringify(page1)).not.toContain('DEM-BODY-SECRET');
      const page2 = await port().listDeliveries(tenantScope(a), {
        limit: 2,
        cursor: page1.nextCursor ?? 'x',
      });
      expect(page2).toEqual({ items: [expect.objectContaining({ id: first })], nextCursor: null });

      const ids = async (scope: ReturnType<typeof tenantScope>, filter = {}) =>
        (await port().listDeliveries(scope, { limit: 50, ...filter })).items.map((d) => d.id);
      expect(await ids(tenantScope(a), { status: 'failed' })).toEqual([third]);
      expect(await ids(tenantScope(a), { subscriptionId: voirie.id })).toEqual([second, first]);
      expect(await ids(tenantScope(a, 'voirie'))).toEqual([second, first]);
      expect(await ids(tenantScope(await newTenant(db)))).toEqual([]);
      await expectGuichetError(
        port().listDeliveries(tenantScope(a), { limit: 2, cursor: 'abc' }),
        'BAD_REQUEST',
      );
    });
  });
}
