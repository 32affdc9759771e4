// Contract of TeamStore and of what teams mean for requests: teams of one tenant with members of that tenant,
// routing rules applied to every new request (a bot turn or createRequest) with the most specific rule winning
// and the administrators' order breaking ties, assignment to a team and one of its agents, and team scoping
// (an agent of team A never reads nor changes team B's requests).
import type { RequestStore, Scope, TeamStore } from '../../backoffice/ports';
import { newTenant, seed, tenantScope, type Db } from './backoffice-fixture';
import { expectGuichetError } from './helpers';

export function teamStoreContract(db: Db, port: () => TeamStore, requests: () => RequestStore): void {
  const agent = async (tenantId: string, name: string): Promise<string> =>
    String(
      (
        await db().query(`INSERT INTO agents (tenant_id, name) VALUES ($1, $2) RETURNING id`, [
          tenantId,
          name,
        ])
      )[0]?.id,
    );
  const incident = (category: string, communeId?: string) => ({
    authorityId: 'cc',
    type: 'report_incident',
    payload: { category, description: 'En panne' },
    ...(communeId ? { communeId } : {}),
  });
  const teamIdOf = async (tenantId: string, id: string) =>
    (await requests().getRequest(tenantScope(tenantId), id))?.teamId;

  describe('TeamStore', () => {
    it('keeps teams per tenant, with members of that tenant only, names unique', async () => {
      const a = await newTenant(db);
      const b = await newTenant(db);
      const lou = await agent(a, 'Lou Martin');
      const stranger = await agent(b, 'Max');
      const team = await port().createTeam(
        {
          tenantId: a,
          name: 'Éclairage',
          communes: ['montcey'],
          requestTypes: ['report_incident:eclairage'],
          memberIds: [lou],
        },
        'admin:ana',
      );
      expect(team).toMatchObject({
        tenantId: a,
        name: 'Éclairage',
        authorityId: null,
        communes: ['montcey'],
        requestTypes: ['report_incident:eclairage'],
        members: [{ agentId: lou, name: 'Lou Martin' }],
      });
      expect((await port().listTeams(tenantScope(b))).map((t) => t.id)).toEqual([]);
      expect((await port().listTeams(tenantScope(a))).map((t) => t.name)).toEqual(['Éclairage']);
      await expectGuichetError(
        port().createTeam({ tenantId: a, name: 'éclairage' }, 'admin:ana'),
        'CONFLICT',
      );
      await expectGuichetError(
        port().updateTeam(tenantScope(a), team.id, { memberIds: [lou, stranger] }, 'admin:ana'),
        'BAD_REQUEST',
      );
      expect((await port().listTeams(tenantScope(a)))[0]?.members).toHaveLength(1);
      expect(await port().updateTeam(tenantScope(b), team.id, { name: 'Volé' }, 'admin:max')).toBeNull();
      const renamed = await port().updateTeam(
        tenantScope(a),
        team.id,
        { name: 'Éclairage public', memberIds: [] },
        'admin:ana',
      );
      expect(renamed).toMatchObject({ name: 'Éclairage public', communes: ['montcey'], members: [] });
      expect(await port().deleteTeam(tenantScope(b), team.id, 'admin:max')).toBe(false);
      expect(await port().deleteTeam(tenantScope(a), team.id, 'admin:ana')).toBe(true);
      expect(await port().listTeams(tenantScope(a))).toEqual([]);
      const audit = await db().query(`SELECT action FROM audit_log WHERE target_id = $1 ORDER BY id`, [
        team.id,
      ]);
      expect(audit.map((r) => r.action)).toEqual(['team.create', 'team.update', 'team.delete']);
    });

    it('routes each new request to the most specific rule’s team, shown in its timeline', async () => {
      const a = await newTenant(db);
      const eclairage = await port().createTeam({ tenantId: a, name: 'Éclairage' }, 'admin:ana');
      const montcey = await port().createTeam(
        { tenantId: a, name: 'Services techniques Montcey' },
        'admin:ana',
      );
      const voirie = await port().createTeam({ tenantId: a, name: 'Voirie' }, 'admin:ana');
      await port().createRoutingRule(
        { tenantId: a, requestType: 'report_incident', teamId: voirie.id },
        'admin:ana',
      );
      await port().createRoutingRule(
        {
          tenantId: a,
          requestType: 'report_incident',
          category: 'eclairage',
          communeId: 'montcey',
          teamId: montcey.id,
        },
        'admin:ana',
      );
      await port().createRoutingRule(
        { tenantId: a, requestType: 'report_incident', category: 'eclairage', teamId: eclairage.id },
        'admin:ana',
      );
      const seeded = await seed(db, a, {
        requests: [
          incident('eclairage', 'montcey'),
          incident('eclairage', 'ornans'),
          incident('voirie', 'montcey'),
        ],
      });
      const [inMontcey, elsewhere, pothole] = seeded.requests.map((r) => r.id);
      expect(await teamIdOf(a, inMontcey!)).toBe(montcey.id);
      expect(await teamIdOf(a, elsewhere!)).toBe(eclairage.id);
      expect(await teamIdOf(a, pothole!)).toBe(voirie.id);
      const detail = await requests().getRequest(tenantScope(a), inMontcey!);
      expect(detail?.events).toMatchObject([
        { kind: 'status', status: 'received' },
        { kind: 'assignment', actor: 'routage automatique', details: { teamId: montcey.id, agentId: null } },
      ]);
      // The same rules for a request made outside a conversation (Open311, API).
      const created = await requests().createRequest(
        {
          tenantId: a,
          reference: await db().shared.reserveReference(new Date()),
          type: 'report_incident',
          authorityId: 'cc',
          communeId: 'ornans',
          channel: 'open311',
          payload: { category: 'eclairage' },
          actor: 'open311',
        },
        [],
      );
      expect(created.teamId).toBe(eclairage.id);
      expect((await requests().getRequest(tenantScope(a), created.id))?.events.map((e) => e.kind)).toEqual([
        'status',
        'assignment',
      ]);
      // No rule for the type: no team, no assignment event.
      const school = (await seed(db, a, { requests: [{ authorityId: 'cc', type: 'school_registration' }] }))
        .requests[0]!;
      const unrouted = await requests().getRequest(tenantScope(a), school.id);
      expect(unrouted?.teamId).toBeNull();
      expect(unrouted?.events.map((e) => e.kind)).toEqual(['status']);
    });

    it('breaks ties between rules as specific by the administrators’ order, which they can change', async () => {
      const a = await newTenant(db);
      const byCategory = await port().createTeam({ tenantId: a, name: 'Éclairage' }, 'admin:ana');
      const byCommune = await port().createTeam({ tenantId: a, name: 'Mairie d’Ornans' }, 'admin:ana');
      const first = await port().createRoutingRule(
        { tenantId: a, requestType: 'report_incident', category: 'eclairage', teamId: byCategory.id },
        'admin:ana',
      );
      const second = await port().createRoutingRule(
        { tenantId: a, requestType: 'report_incident', communeId: 'ornans', teamId: byCommune.id },
        'admin:ana',
      );
      expect([first.position, second.position]).toEqual([1, 2]);
      const before = (await seed(db, a, { requests: [incident('eclairage', 'ornans')] })).requests[0]!;
      expect(await teamIdOf(a, before.id)).toBe(byCategory.id);
      const moved = await port().moveRoutingRule(tenantScope(a), second.id, -1, 'admin:ana');
      expect(moved?.map((r) => r.id)).toEqual([second.id, first.id]);
      const after = (await seed(db, a, { requests: [incident('eclairage', 'ornans')] })).requests[0]!;
      expect(await teamIdOf(a, after.id)).toBe(byCommune.id);
      // Moving past either end changes nothing; another tenant's rule is absent.
      expect(
        (await port().moveRoutingRule(tenantScope(a), second.id, -1, 'admin:ana'))?.map((r) => r.id),
      ).toEqual([second.id, first.id]);
      const b = await newTenant(db);
      expect(await port().moveRoutingRule(tenantScope(b), second.id, 1, 'admin:max')).toBeNull();
      expect(await port().deleteRoutingRule(tenantScope(b), second.id, 'admin:max')).toBe(false);
      expect(await port().deleteRoutingRule(tenantScope(a), second.id, 'admin:ana')).toBe(true);
      expect((await port().listRoutingRules(tenantScope(a))).map((r) => r.id)).toEqual([first.id]);
      await expectGuichetError(
        port().createRoutingRule(
          { tenantId: b, requestType: 'report_incident', teamId: byCategory.id },
          'admin:max',
        ),
        'BAD_REQUEST',
      );
    });

    it('assigns to a team and one of its members, never to someone outside it', async () => {
      const a = await newTenant(db);
      const b = await newTenant(db);
      const lou = await agent(a, 'Lou Martin');
      const sam = await agent(a, 'Sam Petit');
      const voirie = await port().createTeam({ tenantId: a, name: 'Voirie', memberIds: [lou] }, 'admin:ana');
      const foreign = await port().createTeam({ tenantId: b, name: 'Voirie' }, 'admin:max');
      const r = (await seed(db, a, { requests: [incident('voirie')] })).requests[0]!;
      await expectGuichetError(
        requests().assignRequest(tenantScope(a), r.id, { teamId: voirie.id, agentId: sam }, 'supervisor:max'),
        'BAD_REQUEST',
      );
      await expectGuichetError(
        requests().assignRequest(
          tenantScope(a),
          r.id,
          { teamId: foreign.id, agentId: null },
          'supervisor:max',
        ),
        'BAD_REQUEST',
      );
      expect((await requests().getRequest(tenantScope(a), r.id))?.events).toHaveLength(1);
      const done = await requests().assignRequest(
        tenantScope(a),
        r.id,
        { teamId: voirie.id, agentId: lou },
        'supervisor:max',
      );
      expect(done).toMatchObject({ teamId: voirie.id, assignedAgentId: lou, assignedTo: 'Lou Martin' });
      expect(done?.events.at(-1)).toMatchObject({
        kind: 'assignment',
        details: { teamId: voirie.id, agentId: lou },
      });
      expect(
        (await requests().listRequests(tenantScope(a), { limit: 10, team: voirie.id })).items.map(
          (x) => x.id,
        ),
      ).toEqual([r.id]);
      // Deleting the team takes its requests out of its queue.
      await port().deleteTeam(tenantScope(a), voirie.id, 'admin:ana');
      expect(await teamIdOf(a, r.id)).toBeNull();
    });

    it('shows an agent of team A only A’s requests, their own, and unrouted ones within A’s scope', async () => {
      const a = await newTenant(db);
      const lou = await agent(a, 'Lou Martin');
      const teamA = await port().createTeam(
        {
          tenantId: a,
          name: 'Éclairage',
          communes: ['montcey'],
          requestTypes: ['report_incident:eclairage'],
          memberIds: [lou],
        },
        'admin:ana',
      );
      const teamB = await port().createTeam({ tenantId: a, name: 'Voirie' }, 'admin:ana');
      await port().createRoutingRule(
        { tenantId: a, requestType: 'report_incident', category: 'eclairage', teamId: teamA.id },
        'admin:ana',
      );
      await port().createRoutingRule(
        { tenantId: a, requestType: 'report_incident', category: 'voirie', teamId: teamB.id },
        'admin:ana',
      );
      const seeded = await seed(db, a, {
        requests: [
          incident('eclairage', 'ornans'),
          incident('voirie', 'montcey'),
          incident('parc', 'montcey'),
          { authorityId: 'cc', type: 'school_registration', communeId: 'montcey' },
        ],
      });
      const [ofA, ofB, unroutedOutOfScope, otherType] = seeded.requests.map((r) => r.id) as string[];
      // An unrouted lighting report in Montcey (within A's scope): rules are removed after the fact.
      const unroutedInScope = (await seed(db, a, { requests: [{ ...incident('eclairage', 'montcey') }] }))
        .requests[0]!.id;
      await db().query('UPDATE requests SET team_id = NULL WHERE id = $1', [unroutedInScope]);
      const scopeA: Scope = { ...tenantScope(a), teams: { teamIds: [teamA.id], agentId: lou } };
      const visible = (await requests().listRequests(scopeA, { limit: 50 })).items.map((r) => r.id).sort();
      expect(visible).toEqual([ofA!, unroutedInScope].sort());
      expect(await requests().getRequest(scopeA, ofB!)).toBeNull();
      expect(await requests().getRequest(scopeA, otherType!)).toBeNull();
      expect(await requests().getRequest(scopeA, unroutedOutOfScope!)).toBeNull();
      expect(
        await requests().changeRequestStatus(scopeA, ofB!, () => ({
          status: 'resolved',
          actor: 'agent:lou',
          messages: [],
          outbox: [],
        })),
      ).toBeNull();
      expect(
        await requests().assignRequest(scopeA, ofB!, { teamId: teamA.id, agentId: lou }, 'agent:lou'),
      ).toBeNull();
      expect((await requests().getRequest(tenantScope(a), ofB!))?.status).toBe('received');
      // Assigned to them personally (by a supervisor, outside A): visible to them.
      await requests().assignRequest(
        tenantScope(a),
        otherType!,
        { teamId: null, agentId: lou },
        'supervisor:max',
      );
      expect(await requests().getRequest(scopeA, otherType!)).not.toBeNull();
      // The tenant-wide scope (supervisors) sees all of them.
      expect((await requests().listRequests(tenantScope(a), { limit: 50 })).items).toHaveLength(5);
    });
  });
}
