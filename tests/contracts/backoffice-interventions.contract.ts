// Contract of InterventionStore: each write commits the intervention, the request's status and timeline event,
// what `effects` returns (notices, outbox rows) and an audit entry together, or nothing; the work moves only
// forward; a clientId replayed writes nothing and gets the first answer; team scoping applies to the
// intervention's team, tenant and authority scoping to its request.
import type {
  InterventionEffects,
  InterventionStore,
  NewIntervention,
  RequestStore,
  Scope,
  TeamStore,
} from '../../backoffice/ports';
import { GuichetError } from '../../bot/errors';
import { count, newTenant, seed, tenantScope, type Db } from './backoffice-fixture';
import { expectGuichetError } from './helpers';

export function interventionStoreContract(
  db: Db,
  port: () => InterventionStore,
  teams: () => TeamStore,
  requests: () => RequestStore,
): void {
  /** Moves the request to in_progress and writes one outbox row per call, as the API's effects do. */
  const effects: InterventionEffects = (ctx) => ({
    status: ctx.interventions.every((i) => i.status === 'done') ? 'resolved' : 'in_progress',
    messages: [{ direction: 'out', text: `Intervention ${ctx.after.status}` }],
    outbox: [
      {
        kind: 'intervention.test',
        payload: { interventionId: ctx.after.id, to: ctx.after.status },
        dedupeKey: `intervention.test:${ctx.after.id}:${ctx.after.status}`,
      },
    ],
  });

  const work = (extra: Partial<NewIntervention> = {}): NewIntervention => ({
    teamId: null,
    what: 'Reboucher le nid-de-poule',
    plannedFor: null,
    priority: 'normal',
    notes: null,
    clientId: null,
    actor: 'agent:chef',
    ...extra,
  });

  async function arrange() {
    const tenant = await newTenant(db);
    const scope = tenantScope(tenant);
    const team = await teams().createTeam({ tenantId: tenant, name: 'Voirie' }, 'admin');
    const other = await teams().createTeam({ tenantId: tenant, name: 'Éclairage' }, 'admin');
    const seeded = await seed(db, tenant, { requests: [{ authorityId: 'mairie' }] });
    const request = seeded.requests[0]!;
    return { tenant, scope, team, other, seeded, request };
  }

  describe('InterventionStore', () => {
    it('creates one with its event, the request’s new status, its notices, outbox rows and audit entry', async () => {
      const { tenant, scope, team, seeded, request } = await arrange();
      const created = await port().createIntervention(
        scope,
        request.id,
        work({ teamId: team.id, plannedFor: '2026-03-29', priority: 'urgent', notes: 'Enrobé à froid' }),
        effects,
      );
      expect(created).toMatchObject({
        replayed: false,
        requestStatus: 'in_progress',
        intervention: {
          tenantId: tenant,
          requestId: request.id,
          teamId: team.id,
          // A calendar day comes back as it went in, even on the day the clocks change.
          plannedFor: '2026-03-29',
          priority: 'urgent',
          notes: 'Enrobé à froid',
          status: 'planned',
          createdBy: 'agent:chef',
        },
      });
      const detail = await requests().getRequest(scope, request.id);
      expect(detail?.status).toBe('in_progress');
      expect(detail?.events.at(-1)).toMatchObject({
        kind: 'intervention',
        status: 'in_progress',
        actor: 'agent:chef',
        details: expect.objectContaining({
          interventionId: created!.intervention.id,
          status: 'planned',
          from: null,
          what: 'Reboucher le nid-de-poule',
          plannedFor: '2026-03-29',
          requestStatus: { from: 'received', to: 'in_progress' },
        }),
      });
      expect(
        await count(db, `SELECT count(*) AS n FROM messages WHERE conversation_id = $1 AND text = $2`, [
          seeded.conversationId,
          'Intervention planned',
        ]),
      ).toBe(1);
      expect(
        await count(
          db,
          `SELECT count(*) AS n FROM outbox WHERE kind = 'intervention.test' AND tenant_id = $1`,
          [tenant],
        ),
      ).toBe(1);
      expect(
        await count(
          db,
          `SELECT count(*) AS n FROM audit_log WHERE action = 'intervention.create' AND target_id = $1`,
          [created!.intervention.id],
        ),
      ).toBe(1);
      expect(await port().listRequestInterventions(scope, request.id)).toEqual([created!.intervention]);
    });

    it('writes nothing when effects refuse, the team is unknown or another tenant’s, or the request is closed', async () => {
      const { scope, request } = await arrange();
      const stranger = await arrange();
      const refusing: InterventionEffects = () => {
        throw new GuichetError('CONFLICT', 'no');
      };
      await expectGuichetError(port().createIntervention(scope, request.id, work(), refusing), 'CONFLICT');
      await expectGuichetError(
        port().createIntervention(scope, request.id, work({ teamId: stranger.team.id }), effects),
        'BAD_REQUEST',
      );
      await expectGuichetError(
        port().createIntervention(scope, request.id, work({ teamId: 'voirie' }), effects),
        'BAD_REQUEST',
      );
      expect(await port().listRequestInterventions(scope, request.id)).toEqual([]);
      expect(
        await count(db, `SELECT count(*) AS n FROM request_events WHERE request_id = $1`, [request.id]),
      ).toBe(1);
      expect((await requests().getRequest(scope, request.id))?.status).toBe('received');
      // Another tenant's request is absent.
      expect(await port().createIntervention(scope, stranger.request.id, work(), effects)).toBeNull();
      expect(await port().listRequestInterventions(scope, stranger.request.id)).toBeNull();
      // A closed request takes no new work.
      await requests().changeRequestStatus(scope, request.id, () => ({
        status: 'rejected',
        actor: 'agent:chef',
        messages: [],
        outbox: [],
      }));
      await expectGuichetError(port().createIntervention(scope, request.id, work(), effects), 'CONFLICT');
    });

    it('answers a creation replayed with its clientId with the same intervention, and refuses it on another request', async () => {
      const { tenant, scope, request } = await arrange();
      const first = await port().createIntervention(scope, request.id, work({ clientId: 'ot-1' }), effects);
      const again = await port().createIntervention(scope, request.id, work({ clientId: 'ot-1' }), effects);
      expect(again).toEqual({ ...first, replayed: true });
      expect(await count(db, `SELECT count(*) AS n FROM interventions WHERE tenant_id = $1`, [tenant])).toBe(
        1,
      );
      const [second] = (await seed(db, tenant, { requests: [{ authorityId: 'mairie' }] })).requests;
      await expectGuichetError(
        port().createIntervention(scope, second!.id, work({ clientId: 'ot-1' }), effects),
        'CONFLICT',
      );
    });

    it('moves the work forward only, needs a reason for impossible work, and resolves when all is done', async () => {
      const { scope, request } = await arrange();
      const a = (await port().createIntervention(scope, request.id, work(), effects))!.intervention;
      const b = (await port().createIntervention(scope, request.id, work({ what: 'Marquage' }), effects))!
        .intervention;
      const move = (id: string, status: 'in_progress' | 'done' | 'cannot_do', extra = {}) =>
        port().changeInterventionStatus(scope, id, { status, actor: 'agent:lou', ...extra }, effects);
      expect((await move(a.id, 'in_progress'))?.intervention.status).toBe('in_progress');
      await expectGuichetError(move(a.id, 'in_progress'), 'CONFLICT');
      const aDone = await move(a.id, 'done', {
        comment: 'Fait',
        photoUrl: 'https://media.example.org/a.jpg',
      });
      expect(aDone).toMatchObject({
        requestStatus: 'in_progress',
        intervention: { status: 'done', doneComment: 'Fait', donePhoto: 'https://media.example.org/a.jpg' },
      });
      await expectGuichetError(move(a.id, 'cannot_do', { reason: 'trop tard' }), 'CONFLICT');
      await expectGuichetError(move(b.id, 'cannot_do'), 'BAD_REQUEST');
      expect((await move(b.id, 'done'))?.requestStatus).toBe('resolved');
      expect((await requests().getRequest(scope, request.id))?.status).toBe('resolved');
      expect(
        await count(
          db,
          `SELECT count(*) AS n FROM audit_log WHERE action = 'intervention.status' AND target_id = $1`,
          [a.id],
        ),
      ).toBe(2);
      expect(
        await port().changeInterventionStatus(
          scope,
          '00000000-0000-4000-8000-000000000000',
          { status: 'done', actor: 'x' },
          effects,
        ),
      ).toBeNull();
      expect(
        await port().changeInterventionStatus(scope, 'not-a-uuid', { status: 'done', actor: 'x' }, effects),
      ).toBeNull();
    });

    it('answers a status call replayed with its clientId as the first time, writing nothing', async () => {
      const { tenant, scope, request } = await arrange();
      const { intervention } = (await port().createIntervention(scope, request.id, work(), effects))!;
      const change = { status: 'done' as const, comment: 'OK', clientId: 'call-1', actor: 'token:gmao' };
      const first = await port().changeInterventionStatus(scope, intervention.id, change, effects);
      const events = await count(db, `SELECT count(*) AS n FROM request_events WHERE request_id = $1`, [
        request.id,
      ]);
      const again = await port().changeInterventionStatus(scope, intervention.id, change, effects);
      expect(again).toEqual({ ...first, replayed: true });
      expect(
        await count(db, `SELECT count(*) AS n FROM request_events WHERE request_id = $1`, [request.id]),
      ).toBe(events);
      expect(
        await count(
          db,
          `SELECT count(*) AS n FROM outbox WHERE kind = 'intervention.test' AND tenant_id = $1`,
          [tenant],
        ),
      ).toBe(2);
      await expectGuichetError(
        port().changeInterventionStatus(
          scope,
          intervention.id,
          { ...change, status: 'cannot_do', reason: 'x' },
          effects,
        ),
        'CONFLICT',
      );
    });

    it('lets one of two simultaneous calls finish the work; the other is refused', async () => {
      const { scope, request } = await arrange();
      const { intervention } = (await port().createIntervention(scope, request.id, work(), effects))!;
      const results = await Promise.allSettled([
        port().changeInterventionStatus(
          scope,
          intervention.id,
          { status: 'done', actor: 'agent:a' },
          effects,
        ),
        port().changeInterventionStatus(
          scope,
          intervention.id,
          { status: 'done', actor: 'agent:b' },
          effects,
        ),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
      expect(
        await count(
          db,
          `SELECT count(*) AS n FROM audit_log WHERE action = 'intervention.status' AND target_id = $1`,
          [intervention.id],
        ),
      ).toBe(1);
    });

    it('scopes the work list and the updates by the intervention’s team, and lists where and what', async () => {
      const { tenant, scope, team, other, request } = await arrange();
      const mine = (await port().createIntervention(
        scope,
        request.id,
        work({ teamId: team.id, plannedFor: '2026-05-04', priority: 'low' }),
        effects,
      ))!.intervention;
      const urgent = (await port().createIntervention(
        scope,
        request.id,
        work({ teamId: team.id, plannedFor: '2026-05-04', priority: 'urgent' }),
        effects,
      ))!.intervention;
      const theirs = (await port().createIntervention(
        scope,
        request.id,
        work({ teamId: other.id }),
        effects,
      ))!.intervention;
      const agentOfTeam: Scope = {
        tenantId: tenant,
        authorityId: null,
        teams: { teamIds: [team.id], agentId: null },
      };
      const list = await port().listInterventions(agentOfTeam, { limit: 10 });
      // Same day: the urgent one first.
      expect(list.map((i) => i.id)).toEqual([urgent.id, mine.id]);
      expect(list[0]?.request).toMatchObject({
        reference: request.reference,
        type: 'report_incident',
        category: 'voirie',
        description: 'Nid-de-poule devant l’école',
      });
      expect(
        await port().changeInterventionStatus(
          agentOfTeam,
          theirs.id,
          { status: 'done', actor: 'agent:a' },
          effects,
        ),
      ).toBeNull();
      expect((await port().listInterventions(scope, { limit: 10 })).map((i) => i.id)).toEqual([
        urgent.id,
        mine.id,
        theirs.id,
      ]);
      expect(
        (await port().listInterventions(scope, { teamId: other.id, limit: 10 })).map((i) => i.id),
      ).toEqual([theirs.id]);
      expect(
        (
          await port().listInterventions(scope, { plannedFor: '2026-05-04', status: ['planned'], limit: 10 })
        ).map((i) => i.id),
      ).toEqual([urgent.id, mine.id]);
      expect(await port().listInterventions(scope, { status: ['done'], limit: 10 })).toEqual([]);
      // Authority scoping goes through the request; another tenant sees nothing.
      expect(
        await port().listInterventions({ tenantId: tenant, authorityId: 'prefecture' }, { limit: 10 }),
      ).toEqual([]);
      expect(await port().listInterventions(tenantScope(await newTenant(db)), { limit: 10 })).toEqual([]);
    });
  });
}
