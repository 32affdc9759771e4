// Knowledge gaps: what citizens asked that the bot could not answer reaches the supervisors grouped and
// counted, without the personal data the citizens typed, and leaves the list once marked handled.
import request from 'supertest';
import type { Container } from '../../server/container';
import { runRetention } from '../../server/retention';
import { DEMO_TENANT } from '../support/harness';
import { backofficeContainer, bearer, CONTAINER_TIMEOUT_MS, issueToken, OTHER_TENANT, rows } from './support';

let container: Container;
let supervisor: string;
let agent: string;
let otherSupervisor: string;
let counter = 0;

beforeAll(async () => {
  container = await backofficeContainer();
  supervisor = (await issueToken(container, { role: 'supervisor', tenantId: DEMO_TENANT })).token;
  agent = (await issueToken(container, { role: 'agent', tenantId: DEMO_TENANT })).token;
  otherSupervisor = (await issueToken(container, { role: 'supervisor', tenantId: OTHER_TENANT })).token;
}, CONTAINER_TIMEOUT_MS);
afterAll(() => container.close());

/** A citizen's first message on the web chat, as a new conversation. */
async function ask(text: string): Promise<string> {
  counter += 1;
  const turn = await container.engine.handleTurn({
    tenantId: DEMO_TENANT,
    channel: 'webchat',
    address: `wc_gap_${counter}`,
    text,
  });
  return turn.replies.map((r) => ('text' in r ? String(r.text) : '')).join(' ');
}

interface Group {
  question: string;
  count: number;
  examples: string[];
  ids: string[];
  channels: string[];
}

const gaps = async (token = supervisor) =>
  request(container.app).get('/api/v1/knowledge-gaps').set(bearer(token));

test('unanswered questions are grouped, counted and shown without the personal data typed in them', async () => {
  const unanswered = [
    'Je m’appelle Camille Martin, est-ce que le refuge pour chats accepte les adoptions ? 06 12 34 56 78',
    'Le refuge pour chats accepte-t-il les adoptions ? écrivez-moi à camille.martin@example.org',
    'adoptions au refuge pour chats',
    'Combien coûte une place de port pour un voilier ?',
  ];
  for (const text of unanswered) expect(await ask(text)).toMatch(/pas sûr d’avoir compris|ne connais pas/);
  // An answered question is not a gap.
  expect(await ask('Quels sont les horaires de la mairie ?')).not.toMatch(/pas sûr|ne connais pas/);

  const res = await gaps();
  expect(res.status).toBe(200);
  const groups = res.body.groups as Group[];
  expect(res.body.questions).toBe(4);
  expect(groups.map((g) => g.count)).toEqual([3, 1]);
  expect(groups[0]!.examples).toHaveLength(3);
  expect(groups[0]!.examples.join(' ')).toMatch(/refuge pour chats/);
  expect(groups[0]!.channels).toEqual(['webchat']);
  expect(groups[1]!.question).toMatch(/place de port/);
  // Neither the answer nor the table keeps the name, the number or the address.
  const stored = await rows<{ question: string }>(container, 'SELECT question FROM knowledge_gaps');
  for (const text of [JSON.stringify(res.body), ...stored.map((r) => r.question)]) {
    expect(text).not.toMatch(/Camille|Martin|06 12 34 56 78|example\.org/);
  }
  expect(stored.map((r) => r.question).join(' ')).toMatch(/\[téléphone\]/);
});

test('only the supervisors of the tenant see them', async () => {
  expect((await gaps(agent)).status).toBe(403);
  const other = await gaps(otherSupervisor);
  expect(other.status).toBe(200);
  expect(other.body.groups).toEqual([]);
});

test('a group marked handled leaves the list; a new question like it comes back', async () => {
  const before = (await gaps()).body.groups as Group[];
  const refuge = before.find((g) => /refuge/.test(g.question))!;
  // Another tenant's supervisor cannot mark them.
  const foreign = await request(container.app)
    .post('/api/v1/knowledge-gaps/handled')
    .set(bearer(otherSupervisor))
    .send({ ids: refuge.ids });
  expect(foreign.body).toEqual({ handled: 0 });
  const done = await request(container.app)
    .post('/api/v1/knowledge-gaps/handled')
    .set(bearer(supervisor))
    .send({ ids: refuge.ids });
  expect(done.status).toBe(200);
  expect(done.body).toEqual({ handled: 3 });
  const audit = await rows<{ details: unknown }>(
    container,
    `SELECT details FROM audit_log WHERE action = 'knowledge_gaps.handled' AND tenant_id = $1`,
    [DEMO_TENANT],
  );
  expect(audit.map((a) => a.details)).toEqual([{ count: 3 }]);
  let after = (await gaps()).body.groups as Group[];
  expect(after.map((g) => g.question)).toEqual([expect.stringMatching(/place de port/)]);

  expect(await ask('Des adoptions au refuge pour chats, c’est possible ?')).toMatch(/pas sûr|ne connais pas/);
  after = (await gaps()).body.groups as Group[];
  expect(after.find((g) => /refuge/.test(g.question))?.count).toBe(1);
});

test('bad input is a 400 naming the field', async () => {
  const bad = await request(container.app)
    .post('/api/v1/knowledge-gaps/handled')
    .set(bearer(supervisor))
    .send({ ids: ['not-an-id'] });
  expect(bad.status).toBe(400);
  expect(bad.body.error.message).toMatch(/ids/);
  const days = await request(container.app).get('/api/v1/knowledge-gaps?days=0').set(bearer(supervisor));
  expect(days.status).toBe(400);
});

test('retention deletes them with the transcripts', async () => {
  expect((await gaps()).body.questions).toBeGreaterThan(0);
  const store = container.store as unknown as { sql: Parameters<typeof runRetention>[0]['sql'] };
  await runRetention({
    sql: store.sql,
    tenants: [{ tenantId: DEMO_TENANT, transcriptsDays: 30, contactsDays: 365 }],
    now: new Date(Date.now() + 31 * 24 * 3600 * 1000),
  });
  expect(await rows(container, 'SELECT id FROM knowledge_gaps WHERE tenant_id = $1', [DEMO_TENANT])).toEqual(
    [],
  );
});
