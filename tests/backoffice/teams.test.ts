// Teams, routing and team scoping through the API, as a commune sets them up: administrators create the
// services and the rules, a new lighting report in Montcey lands in the Éclairage team's queue, and an agent
// of that team neither sees nor changes the Voirie team's requests while a supervisor sees both.
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import type { PostgresSharedStore } from '../../adapters/postgres';
import { PostgresAgentSessionStore } from '../../adapters/postgres/backoffice/agent-session-store';
import { hashToken } from '../../backoffice/auth';
import type { Container } from '../../server/container';
import { DEMO_TENANT } from '../support/harness';
import {
  backofficeContainer,
  bearer,
  incidentPayload,
  issueToken,
  rows,
  seedConversation,
  CONTAINER_TIMEOUT_MS,
} from './support';

describe('teams, routing rules and team scoping', () => {
  let container: Container;
  let admin: string;
  let supervisor: string;
  let lighting: { token: string; agentId: string | null };
  let roads: { token: string; agentId: string | null };
  let eclairage: { id: string };
  let voirie: { id: string };
  /** A lighting report in Montcey (Éclairage's queue) and a roads one (Voirie's). */
  let mine: string;
  let theirs: string;
  const api = () => request(container.app);

  /** A lighting or roads report in a commune, committed as a bot turn commits it. */
  async function report(category: string, communeId: string): Promise<string> {
    const seeded = await seedConversation(container, {
      tenantId: DEMO_TENANT,
      requests: [
        {
          type: 'report_incident',
          authorityId: `commune-${communeId}`,
          communeId,
          payload: incidentPayload(category, 'En panne depuis hier'),
        },
      ],
    });
    return seeded.references[0]!;
  }

  beforeAll(async () => {
    container = await backofficeContainer();
    admin = (await issueToken(container, { role: 'admin', tenantId: DEMO_TENANT })).token;
    supervisor = (await issueToken(container, { role: 'supervisor', tenantId: DEMO_TENANT })).token;
    lighting = await issueToken(container, { role: 'agent', tenantId: DEMO_TENANT, name: 'Lou Éclairage' });
    roads = await issueToken(container, { role: 'agent', tenantId: DEMO_TENANT, name: 'Sam Voirie' });
  }, CONTAINER_TIMEOUT_MS);
  afterAll(() => container.close());

  it('lets an administrator set up teams and rules, checked against the territory', async () => {
    const created = await api()
      .post('/api/v1/teams')
      .set(bearer(admin))
      .send({
        name: 'Éclairage',
        communes: ['montcey-sur-loue'],
        requestTypes: ['report_incident:eclairage'],
        memberIds: [lighting.agentId],
      });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'Éclairage',
      members: [{ agentId: lighting.agentId, name: 'Lou Éclairage' }],
    });
    eclairage = created.body;
    voirie = (
      await api()
        .post('/api/v1/teams')
        .set(bearer(admin))
        .send({ name: 'Voirie', memberIds: [roads.agentId] })
    ).body;
    for (const rule of [
      { requestType: 'report_incident', teamId: voirie.id },
      {
        requestType: 'report_incident',
        category: 'eclairage',
        communeId: 'montcey-sur-loue',
        teamId: eclairage.id,
      },
    ]) {
      const res = await api().post('/api/v1/routing-rules').set(bearer(admin)).send(rule);
      expect(res.status).toBe(201);
    }
    // A typo would route nothing: unknown communes, types and categories are refused, and so is a bad body.
    const bad = [
      ['/api/v1/teams', { name: 'Propreté', communes: ['montcey'] }],
      ['/api/v1/teams', { name: 'Propreté', requestTypes: ['report_incident:graffitis-xyz'] }],
      ['/api/v1/teams', { name: '' }],
      ['/api/v1/teams', { name: 'Propreté', extra: true }],
      ['/api/v1/routing-rules', { requestType: 'report_incident', communeId: 'paris', teamId: voirie.id }],
      ['/api/v1/routing-rules', { requestType: 'report_incident', teamId: 'not-a-uuid' }],
    ] as const;
    for (const [path, body] of bad) {
      const res = await api().post(path).set(bearer(admin)).send(body);
      expect([path, res.status]).toEqual([path, 400]);
    }
    const duplicate = await api().post('/api/v1/teams').set(bearer(admin)).send({ name: 'voirie' });
    expect(duplicate.status).toBe(409);
    // Supervisors read the organisation, agents do not; only administrators change it.
    expect((await api().get('/api/v1/teams').set(bearer(supervisor))).body.items).toHaveLength(2);
    expect((await api().get('/api/v1/routing-rules').set(bearer(supervisor))).body.items).toHaveLength(2);
    expect((await api().post('/api/v1/teams').set(bearer(supervisor)).send({ name: 'X' })).status).toBe(403);
    expect((await api().get('/api/v1/teams').set(bearer(lighting.token))).status).toBe(403);
    const audit = await rows(
      container,
      `SELECT action FROM audit_log WHERE action LIKE 'team.%' OR action LIKE 'routing_rule.%'`,
    );
    expect(audit).toHaveLength(4);
  });

  it('routes a lighting report in Montcey to Éclairage and one elsewhere to Voirie, in the timeline', async () => {
    const montcey = await report('eclairage', 'montcey-sur-loue');
    const verniere = await report('eclairage', 'verniere');
    const first = await api().get(`/api/v1/requests/${montcey}`).set(bearer(supervisor));
    expect(first.body.teamId).toBe(eclairage.id);
    expect(first.body.events).toMatchObject([
      { kind: 'status', status: 'received' },
      { kind: 'assignment', actor: 'routage automatique', details: { teamId: eclairage.id } },
    ]);
    expect((await api().get(`/api/v1/requests/${verniere}`).set(bearer(supervisor))).body.teamId).toBe(
      voirie.id,
    );
    const queue = await api().get(`/api/v1/requests?team=${eclairage.id}`).set(bearer(supervisor));
    expect(queue.body.items.map((r: { reference: string }) => r.reference)).toEqual([montcey]);
  });

  it('keeps an agent of one team off another team’s requests; a supervisor sees both', async () => {
    mine = await report('eclairage', 'montcey-sur-loue');
    theirs = await report('voirie', 'montcey-sur-loue');
    const asLighting = bearer(lighting.token);
    const list = await api().get('/api/v1/requests?limit=100').set(asLighting);
    const seen = list.body.items.map((r: { reference: string }) => r.reference);
    expect(seen).toContain(mine);
    expect(seen).not.toContain(theirs);
    expect((await api().get(`/api/v1/requests/${theirs}`).set(asLighting)).status).toBe(404);
    const status = await api()
      .post(`/api/v1/requests/${theirs}/status`)
      .set(asLighting)
      .send({ status: 'resolved', note: 'Fait' });
    expect(status.status).toBe(404);
    const assign = await api()
      .post(`/api/v1/requests/${theirs}/assign`)
      .set(asLighting)
      .send({ teamId: eclairage.id, agentId: lighting.agentId });
    expect(assign.status).toBe(404);
    const [untouched] = await rows<{ status: string; team_id: string }>(
      container,
      'SELECT status, team_id FROM requests WHERE reference = $1',
      [theirs],
    );
    expect(untouched).toEqual({ status: 'received', team_id: voirie.id });
    // Their own team's request: they work it.
    const own = await api()
      .post(`/api/v1/requests/${mine}/status`)
      .set(asLighting)
      .send({ status: 'in_progress', notify: false });
    expect(own.status).toBe(200);
    const all = await api().get('/api/v1/requests?limit=100').set(bearer(supervisor));
    expect(all.body.items.map((r: { reference: string }) => r.reference)).toEqual(
      expect.arrayContaining([mine, theirs]),
    );
  });

  it('scopes a person signed in to the console (session cookie) and an Open311 key the same way', async () => {
    const invited = await api()
      .post('/api/v1/agents')
      .set(bearer(admin))
      .send({ name: 'Inès Roux', email: 'ines@val-de-loue.example', role: 'agent' });
    const ines = invited.body.agent.id as string;
    const joined = await api()
      .post(`/api/v1/teams/${eclairage.id}`)
      .set(bearer(admin))
      .send({ memberIds: [lighting.agentId, ines] });
    expect(joined.body.members.map((m: { name: string }) => m.name)).toEqual(['Inès Roux', 'Lou Éclairage']);
    const sessions = new PostgresAgentSessionStore((container.store as PostgresSharedStore).sql);
    const id = randomBytes(32).toString('base64url');
    await sessions.createSession({
      tokenHash: hashToken(id),
      csrfToken: randomBytes(32).toString('base64url'),
      agentId: ines,
      tenantId: DEMO_TENANT,
      method: 'password',
      now: new Date(),
      expiresAt: new Date(Date.now() + 3_600_000),
    });
    const cookie = `guichet_session=${id}`;
    expect((await api().get('/api/v1/me').set('Cookie', cookie)).body.teamIds).toEqual([eclairage.id]);
    expect((await api().get(`/api/v1/requests/${mine}`).set('Cookie', cookie)).status).toBe(200);
    expect((await api().get(`/api/v1/requests/${theirs}`).set('Cookie', cookie)).status).toBe(404);
    // Open311's private read (api_key): the team's requests only.
    const open311 = await api().get(
      `/open311/v2/requests.json?jurisdiction_id=${DEMO_TENANT}&api_key=${lighting.token}`,
    );
    expect(open311.status).toBe(200);
    const ids = open311.body.map((r: { service_request_id: string }) => r.service_request_id);
    expect(ids).toContain(mine);
    expect(ids).not.toContain(theirs);
  });

  it('assigns to a team and one of its agents, and unassigns, with the timeline and audit saying who', async () => {
    const ref = await report('voirie', 'verniere');
    const asSupervisor = bearer(supervisor);
    const notMember = await api()
      .post(`/api/v1/requests/${ref}/assign`)
      .set(asSupervisor)
      .send({ teamId: voirie.id, agentId: lighting.agentId });
    expect(notMember.status).toBe(400);
    expect((await api().post(`/api/v1/requests/${ref}/assign`).set(asSupervisor).send({})).status).toBe(400);
    // Moving it to Éclairage with Lou: Sam (Voirie) no longer sees it, Lou does.
    const moved = await api()
      .post(`/api/v1/requests/${ref}/assign`)
      .set(asSupervisor)
      .send({ teamId: eclairage.id, agentId: lighting.agentId });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({
      teamId: eclairage.id,
      assignedAgentId: lighting.agentId,
      assignedTo: 'Lou Éclairage',
    });
    expect(moved.body.events.at(-1)).toMatchObject({
      kind: 'assignment',
      public: false,
      details: { teamId: eclairage.id, agentId: lighting.agentId },
    });
    expect((await api().get(`/api/v1/requests/${ref}`).set(bearer(roads.token))).status).toBe(404);
    expect((await api().get(`/api/v1/requests/${ref}`).set(bearer(lighting.token))).status).toBe(200);
    const audit = await rows(
      container,
      `SELECT details FROM audit_log WHERE action = 'request.assign' AND target_id = $1`,
      [moved.body.id],
    );
    expect(audit).toEqual([{ details: { teamId: eclairage.id, agentId: lighting.agentId } }]);
    const off = await api().post(`/api/v1/requests/${ref}/assign`).set(asSupervisor).send({ agentId: null });
    expect(off.body).toMatchObject({ teamId: eclairage.id, assignedAgentId: null, assignedTo: null });
  });

  it('names teams and agents in the vocabulary', async () => {
    const v = await api().get('/api/v1/vocabulary').set(bearer(lighting.token));
    expect(v.body.teams).toMatchObject({ [eclairage.id]: 'Éclairage', [voirie.id]: 'Voirie' });
    expect(v.body.agents).toMatchObject({
      [lighting.agentId!]: 'Lou Éclairage',
      [roads.agentId!]: 'Sam Voirie',
    });
  });

  it('deletes a team: its requests leave its queue and its rules go', async () => {
    const gone = await api().delete(`/api/v1/teams/${voirie.id}`).set(bearer(admin));
    expect(gone.body).toEqual({ deleted: true });
    expect((await api().delete(`/api/v1/teams/${voirie.id}`).set(bearer(admin))).status).toBe(404);
    const rules = await api().get('/api/v1/routing-rules').set(bearer(admin));
    expect(rules.body.items.map((r: { teamId: string }) => r.teamId)).toEqual([eclairage.id]);
    expect(await rows(container, 'SELECT 1 FROM requests WHERE team_id = $1', [voirie.id])).toEqual([]);
  });
});
