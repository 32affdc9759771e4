// Working the queue through the API: due dates and filters from the territory's service levels, search with
// accents ignored and by commune name, bulk status changes all or nothing, saved filters (private or shared by
// a supervisor), and the CSV export (French labels, ";" with a BOM, formulas neutralised, no contact details,
// audited).
import request from 'supertest';
import type { Container } from '../../server/container';
import { DEMO_TENANT } from '../support/harness';
import {
  ADMIN_TOKEN,
  CONTAINER_TIMEOUT_MS,
  OTHER_TENANT,
  backofficeContainer,
  bearer,
  incidentPayload,
  issueToken,
  rows,
  seedConversation,
} from './support';

const DAY_MS = 86_400_000;
/** The instant the requests are dated from (due dates are judged against the real time). */
const NOW = new Date();

describe('queue API (service levels, search, bulk, saved filters, CSV export)', () => {
  let container: Container;
  let agent: string;
  let colleague: string;
  let supervisor: string;
  let lamp: string;
  let hole: string;
  let school: string;
  let foreign: string;
  const api = () => request(container.app);
  const idOf = async (reference: string) =>
    (await rows<{ id: string }>(container, 'SELECT id FROM requests WHERE reference = $1', [reference]))[0]
      ?.id ?? '';

  beforeAll(async () => {
    container = await backofficeContainer();
    agent = (await issueToken(container, { role: 'agent', tenantId: DEMO_TENANT, name: 'Marie' })).token;
    colleague = (await issueToken(container, { role: 'agent', tenantId: DEMO_TENANT, name: 'Paul' })).token;
    supervisor = (await issueToken(container, { role: 'supervisor', tenantId: DEMO_TENANT })).token;
    const seeded = await seedConversation(container, {
      tenantId: DEMO_TENANT,
      requests: [
        {
          type: 'report_incident',
          authorityId: 'commune-verniere',
          communeId: 'verniere',
          payload: incidentPayload('eclairage', 'Le lampadaire ne s’allume plus', {
            contact: { kind: 'email', value: 'jeanne@example.org' },
          }),
        },
        {
          type: 'report_incident',
          authorityId: 'commune-verniere',
          communeId: 'verniere',
          payload: incidentPayload('voirie', 'Nid-de-poule, éclairage public aussi'),
        },
        { type: 'school_registration', authorityId: 'commune-verniere', communeId: 'verniere', payload: {} },
      ],
    });
    [lamp, hole, school] = (await Promise.all(seeded.references.map(idOf))) as [string, string, string];
    // Received 5 days ago (the back office judges due dates against the real time, as the database does): the lamp (3 days for lighting) is 2 days late, the hole
    // (10 days for incidents) is due in 5 days, the school registration (15 days) in 10.
    await rows(container, `UPDATE requests SET created_at = $1 WHERE id = ANY($2::uuid[])`, [
      new Date(NOW.getTime() - 5 * DAY_MS).toISOString(),
      [lamp, hole, school],
    ]);
    await rows(container, `UPDATE requests SET address_text = '=HYPERLINK("http://x")' WHERE id = $1`, [
      hole,
    ]);
    const other = await seedConversation(container, {
      tenantId: OTHER_TENANT,
      requests: [
        {
          type: 'report_incident',
          authorityId: 'commune-pointe-aux-herons',
          payload: incidentPayload('voirie', 'Nid-de-poule avenue des Palmistes'),
        },
      ],
    });
    foreign = await idOf(other.references[0] ?? '');
  }, CONTAINER_TIMEOUT_MS);
  afterAll(() => container?.close());

  const list = async (token: string, query: string) => {
    const res = await api().get(`/api/v1/requests?${query}`).set(bearer(token));
    if (res.status !== 200) console.log(JSON.stringify(res.body));
    expect(res.status).toBe(200);
    return res.body.items as { id: string; dueAt: string | null; status: string }[];
  };

  it('gives each request its due date from the territory and filters overdue / due soon, sorted by due date', async () => {
    const all = await list(agent, 'limit=50');
    const due = Object.fromEntries(all.map((r) => [r.id, r.dueAt]));
    expect(due[lamp]).toBe(new Date(NOW.getTime() - 2 * DAY_MS).toISOString());
    expect(due[hole]).toBe(new Date(NOW.getTime() + 5 * DAY_MS).toISOString());
    expect((await list(agent, 'due=overdue')).map((r) => r.id)).toEqual([lamp]);
    expect((await list(agent, 'sort=due&limit=3')).map((r) => r.id)).toEqual([lamp, hole, school]);
    const bad = await api().get('/api/v1/requests?due=yesterday').set(bearer(agent));
    expect(bad.status).toBe(400);
  });

  it('never shows the citizen’s contact in lists or detail: only its kind, the details behind the audited reveal', async () => {
    const listed = await api().get('/api/v1/requests?limit=50').set(bearer(agent));
    const detail = await api().get(`/api/v1/requests/${lamp}`).set(bearer(agent));
    for (const body of [listed.text, detail.text]) expect(body).not.toContain('jeanne@example.org');
    expect(detail.body.payload.contact).toEqual({ kind: 'email', hidden: true });
    const revealed = await api().get(`/api/v1/requests/${lamp}/contact`).set(bearer(agent));
    expect(revealed.status).toBe(200);
    expect(revealed.text).toContain('jeanne@example.org');
    const audited = await rows<{ n: string }>(
      container,
      `SELECT count(*) AS n FROM audit_log WHERE action = 'contact.view' AND target_id = $1`,
      [lamp],
    );
    expect(Number(audited[0]?.n)).toBe(1);
  });

  it('searches with accents ignored, by commune name and by reference', async () => {
    expect((await list(agent, 'q=eclairage')).map((r) => r.id)).toEqual([hole]);
    expect((await list(agent, 'q=lampadaires')).map((r) => r.id)).toEqual([lamp]);
    expect((await list(agent, 'q=verni%C3%A8re')).length).toBeGreaterThanOrEqual(3);
  });

  it('changes several statuses at once, each with its event and citizen notice; a foreign id refuses all', async () => {
    const refused = await api()
      .post('/api/v1/requests/bulk')
      .set(bearer(agent))
      .send({ action: 'status', ids: [lamp, foreign], status: 'in_progress' });
    expect(refused.status).toBe(404);
    expect(refused.body.error.message).toContain(foreign);
    expect((await list(agent, 'status=in_progress')).length).toBe(0);

    const bad = await api()
      .post('/api/v1/requests/bulk')
      .set(bearer(agent))
      .send({ action: 'delete', ids: [lamp] });
    expect(bad.status).toBe(400);

    const done = await api()
      .post('/api/v1/requests/bulk')
      .set(bearer(agent))
      .send({ action: 'status', ids: [lamp, hole], status: 'in_progress', note: 'Équipe prévenue' });
    expect(done.status).toBe(200);
    expect(done.body.items.map((r: { status: string }) => r.status)).toEqual(['in_progress', 'in_progress']);
    const events = await rows<{ n: string }>(
      container,
      `SELECT count(*) AS n FROM request_events WHERE request_id = ANY($1::uuid[]) AND note = 'Équipe prévenue'`,
      [[lamp, hole]],
    );
    expect(Number(events[0]?.n)).toBe(2);
    const notices = await rows<{ n: string }>(
      container,
      `SELECT count(*) AS n FROM outbox WHERE kind = 'request.status_changed' AND payload ->> 'note' = 'Équipe prévenue'`,
    );
    expect(Number(notices[0]?.n)).toBe(2);
  });

  it('assigns several requests to a team at once, all or nothing, each with its timeline event', async () => {
    const admin = (await issueToken(container, { role: 'admin', tenantId: DEMO_TENANT })).token;
    const team = await api().post('/api/v1/teams').set(bearer(admin)).send({ name: 'Éclairage public' });
    expect(team.status).toBe(201);
    const teamId = team.body.id as string;
    const refused = await api()
      .post('/api/v1/requests/bulk')
      .set(bearer(supervisor))
      .send({ action: 'assign', ids: [lamp, foreign], teamId });
    expect(refused.status).toBe(404);
    expect((await list(agent, `team=${teamId}`)).length).toBe(0);
    const empty = await api()
      .post('/api/v1/requests/bulk')
      .set(bearer(supervisor))
      .send({ action: 'assign', ids: [lamp] });
    expect(empty.status).toBe(400);

    const done = await api()
      .post('/api/v1/requests/bulk')
      .set(bearer(supervisor))
      .send({ action: 'assign', ids: [lamp, hole], teamId });
    expect(done.status).toBe(200);
    expect(done.body.items.map((r: { teamId: string }) => r.teamId)).toEqual([teamId, teamId]);
    const events = await rows<{ n: string }>(
      container,
      `SELECT count(*) AS n FROM request_events WHERE request_id = ANY($1::uuid[]) AND kind = 'assignment'`,
      [[lamp, hole]],
    );
    expect(Number(events[0]?.n)).toBe(2);
  });

  it('keeps saved filters private, lets a supervisor share one, and lets only the owner delete', async () => {
    const forbidden = await api()
      .post('/api/v1/saved-filters')
      .set(bearer(agent))
      .send({ name: 'Pour tous', filter: {}, shared: true });
    expect(forbidden.status).toBe(403);
    const mine = await api()
      .post('/api/v1/saved-filters')
      .set(bearer(agent))
      .send({ name: 'Éclairage en retard', filter: { q: 'lampadaire', due: 'overdue' } });
    expect(mine.status).toBe(201);
    const shared = await api()
      .post('/api/v1/saved-filters')
      .set(bearer(supervisor))
      .send({ name: 'À traiter', filter: { status: ['received'] }, shared: true });
    expect(shared.status).toBe(201);
    const invalid = await api()
      .post('/api/v1/saved-filters')
      .set(bearer(agent))
      .send({ name: 'x', filter: { status: ['lost'] } });
    expect(invalid.status).toBe(400);

    const seen = await api().get('/api/v1/saved-filters').set(bearer(colleague));
    expect(seen.body.items.map((f: { name: string }) => f.name)).toEqual(['À traiter']);
    const other = await api().delete(`/api/v1/saved-filters/${shared.body.id}`).set(bearer(agent));
    expect(other.status).toBe(404);
    const own = await api().delete(`/api/v1/saved-filters/${mine.body.id}`).set(bearer(agent));
    expect(own.status).toBe(200);
  });

  it('exports the filtered list as CSV for French spreadsheets, without contact details, and audits it', async () => {
    const res = await api()
      .get('/api/v1/requests/export.csv?type=report_incident')
      .set(bearer(agent))
      .buffer(true)
      .parse((r, done) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => done(null, Buffer.concat(chunks).toString('utf8')));
      });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv; charset=utf-8/);
    expect(res.headers['content-disposition']).toMatch(/attachment; filename="demandes-.*\.csv"/);
    const text = res.body as string;
    expect(text.charCodeAt(0)).toBe(0xfeff);
    const lines = text.slice(1).trim().split('\r\n');
    expect(lines[0]).toBe(
      'Référence;Reçue le;Type;Catégorie;Commune;Lieu;Canal;Statut;Échéance;Jours de retard;Résolue le',
    );
    expect(lines).toHaveLength(3); // the header and the two incidents, not the school registration
    expect(text).toContain('Éclairage');
    expect(text).toContain('Vernière');
    expect(text).toContain('En cours');
    expect(text).not.toContain('report_incident');
    expect(text).not.toContain('jeanne@example.org');
    // The address a citizen typed would run as a formula: it is neutralised.
    expect(text).toContain(`"'=HYPERLINK(""http://x"")"`);
    const audit = await rows<{ actor: string; details: { filter: { type: string }; rows: number } }>(
      container,
      `SELECT actor, details FROM audit_log WHERE action = 'requests.export'`,
    );
    expect(audit).toHaveLength(1);
    expect(audit[0]?.details).toMatchObject({ filter: { type: 'report_incident' }, rows: 2 });

    const foreignTenant = await api()
      .get(`/api/v1/requests/export.csv?tenant=${OTHER_TENANT}`)
      .set(bearer(agent));
    expect(foreignTenant.status).toBe(404);
    const admin = await api()
      .get(`/api/v1/requests/export.csv?tenant=${OTHER_TENANT}`)
      .set(bearer(ADMIN_TOKEN));
    expect(admin.status).toBe(200);
  });
});
