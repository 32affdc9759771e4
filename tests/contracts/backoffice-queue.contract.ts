// Contract of the queue's store operations: full-text search (French stemming, accents ignored), due dates
// from service levels (filter and sort in SQL), bulk status changes all or nothing, and SavedFilterStore.
import type { RequestStatusUpdate, RequestStore, SavedFilterStore } from '../../backoffice/ports';
import type { ServiceLevel } from '../../backoffice/service-levels';
import { count, newTenant, seed, tenantScope, type Db } from './backoffice-fixture';

export function queueContract(db: Db, requests: () => RequestStore, filters: () => SavedFilterStore): void {
  describe('queue (search, due dates, bulk, saved filters)', () => {
    it('searches descriptions, addresses and notes with French stemming and accents ignored, and references', async () => {
      const a = await newTenant(db);
      const s = await seed(db, a, {
        requests: [
          {
            authorityId: 'voirie',
            payload: { category: 'eclairage', description: 'Le lampadaire ne s’allume plus' },
          },
          {
            authorityId: 'voirie',
            payload: { category: 'voirie', description: 'Problème d’éclairage public' },
          },
          { authorityId: 'voirie', payload: { category: 'voirie', description: 'Trou dans la chaussée' } },
        ],
      });
      const [lamp, light, hole] = s.requests as [
        { id: string; reference: string },
        { id: string; reference: string },
        { id: string; reference: string },
      ];
      const refs = async (q: string) =>
        (await requests().listRequests(tenantScope(a), { q, limit: 50 })).items
          .map((r) => r.reference)
          .sort();
      expect(await refs('lampadaires')).toEqual([lamp.reference]);
      expect(await refs('eclairage')).toEqual([light.reference]);
      expect(await refs('ÉCLAIRAGE')).toEqual([light.reference]);
      expect(await refs(hole.reference)).toEqual([hole.reference]);
      expect(await refs('piscine')).toEqual([]);
      // A note written on the request is searched too.
      await requests().changeRequestStatus(tenantScope(a), hole.id, () => ({
        status: 'in_progress',
        actor: 'agent:lou',
        note: 'Enrobé commandé chez le fournisseur',
        messages: [],
        outbox: [],
      }));
      expect(await refs('enrobé')).toEqual([hole.reference]);
    });

    it('filters overdue and due-soon requests and sorts by due date from the service levels given', async () => {
      const a = await newTenant(db);
      const s = await seed(db, a, {
        requests: [
          { authorityId: 'voirie', payload: { category: 'eclairage', description: 'Lampadaire' } },
          { authorityId: 'voirie', payload: { category: 'voirie', description: 'Trou' } },
          { authorityId: 'voirie', type: 'school_registration', payload: { child: 'x' } },
        ],
      });
      const [lamp, hole, school] = s.requests as [
        { id: string; reference: string },
        { id: string; reference: string },
        { id: string; reference: string },
      ];
      const now = new Date('2030-01-20T10:00:00Z');
      // All three received on 2030-01-10.
      await db().query(`UPDATE requests SET created_at = '2030-01-10T10:00:00Z' WHERE id = ANY($1::uuid[])`, [
        [lamp.id, hole.id, school.id],
      ]);
      const levels: ServiceLevel[] = [
        { tenantId: a, type: 'report_incident', category: null, days: 11 },
        { tenantId: a, type: 'report_incident', category: 'eclairage', days: 3 },
      ];
      const list = async (extra: { due?: 'overdue' | 'soon'; sort?: 'due' }) =>
        (
          await requests().listRequests(tenantScope(a), { limit: 50, serviceLevels: levels, now, ...extra })
        ).items.map((r) => r.reference);
      // The lamp was due on the 13th (category level), the hole on the 21st (type level), the school never.
      expect(await list({ due: 'overdue' })).toEqual([lamp.reference]);
      expect(await list({ due: 'soon' })).toEqual([hole.reference]);
      expect(await list({ sort: 'due' })).toEqual([lamp.reference, hole.reference, school.reference]);
      // A resolved request is not overdue any more.
      await db().query(`UPDATE requests SET status = 'resolved' WHERE id = $1`, [lamp.id]);
      expect(await list({ due: 'overdue' })).toEqual([]);
    });

    it('changes the status of several requests in one transaction, or of none', async () => {
      const a = await newTenant(db);
      const b = await newTenant(db);
      const mine = await seed(db, a, { requests: [{ authorityId: 'voirie' }, { authorityId: 'voirie' }] });
      const other = await seed(db, b, { requests: [{ authorityId: 'voirie' }] });
      const ids = mine.requests.map((r) => r.id);
      const plan = (): RequestStatusUpdate => ({
        status: 'resolved',
        actor: 'agent:lou',
        note: 'Réparé',
        messages: [{ direction: 'out', text: 'Réparé' }],
        outbox: [],
      });
      const refused = await requests().changeRequestStatuses(
        tenantScope(a),
        [...ids, other.requests[0]!.id],
        plan,
      );
      expect(refused).toEqual({ missing: other.requests[0]!.id });
      expect(
        await count(
          db,
          `SELECT count(*) AS n FROM requests WHERE id = ANY($1::uuid[]) AND status = 'resolved'`,
          [ids],
        ),
      ).toBe(0);
      expect(
        await count(db, `SELECT count(*) AS n FROM request_events WHERE request_id = ANY($1::uuid[])`, [ids]),
      ).toBe(2);

      const done = await requests().changeRequestStatuses(tenantScope(a), ids, plan);
      expect('updated' in done && done.updated.map((r) => r.status)).toEqual(['resolved', 'resolved']);
      expect(
        await count(
          db,
          `SELECT count(*) AS n FROM request_events WHERE request_id = ANY($1::uuid[]) AND note = 'Réparé'`,
          [ids],
        ),
      ).toBe(2);
      expect(
        await count(db, `SELECT count(*) AS n FROM messages WHERE conversation_id = $1 AND text = 'Réparé'`, [
          mine.conversationId,
        ]),
      ).toBe(2);
    });

    it('keeps saved filters private to their owner unless shared, and lets only the owner delete them', async () => {
      const a = await newTenant(db);
      const b = await newTenant(db);
      const mine = await filters().createSavedFilter({
        tenantId: a,
        owner: 'agent:lou',
        name: 'Éclairage en retard',
        filter: { q: 'lampadaire', due: 'overdue' },
        shared: false,
      });
      const team = await filters().createSavedFilter({
        tenantId: a,
        owner: 'agent:chef',
        name: 'À traiter',
        filter: { status: ['received'] },
        shared: true,
      });
      await filters().createSavedFilter({
        tenantId: a,
        owner: 'agent:chef',
        name: 'Privé',
        filter: {},
        shared: false,
      });
      await filters().createSavedFilter({
        tenantId: b,
        owner: 'agent:lou',
        name: 'Ailleurs',
        filter: {},
        shared: true,
      });

      const seen = await filters().listSavedFilters(a, 'agent:lou');
      expect(seen.map((f) => [f.name, f.mine, f.shared])).toEqual([
        ['À traiter', false, true],
        ['Éclairage en retard', true, false],
      ]);
      expect(seen[1]?.filter).toEqual({ q: 'lampadaire', due: 'overdue' });
      expect(await filters().deleteSavedFilter(a, 'agent:lou', team.id)).toBe(false);
      expect(await filters().deleteSavedFilter(b, 'agent:lou', mine.id)).toBe(false);
      expect(await filters().deleteSavedFilter(a, 'agent:lou', 'not-a-uuid')).toBe(false);
      expect(await filters().deleteSavedFilter(a, 'agent:lou', mine.id)).toBe(true);
      expect((await filters().listSavedFilters(a, 'agent:lou')).map((f) => f.name)).toEqual(['À traiter']);
    });
  });
}
