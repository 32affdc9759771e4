// Console sessions: the AgentSessionStore contract on PGlite and on the PostgreSQL server, and what the API
// does with a session cookie — same answers as a bearer token, CSRF and same-origin for state changes,
// idle and absolute timeouts, sign-out, sign out everywhere, a disabled agent locked out, audit rows.
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import request from 'supertest';
import { createSharedStore, type PostgresSharedStore } from '../../adapters/postgres';
import { PostgresAgentSessionStore } from '../../adapters/postgres/backoffice/agent-session-store';
import { hashToken } from '../../backoffice/auth';
import type { AgentSessionStore, OidcIdentity } from '../../backoffice/auth/ports';
import type { Container } from '../../server/container';
import { DEMO_TENANT } from '../support/harness';
import { databaseUrl, describeWith, uniqueSuffix } from '../support/services';
import {
  ADMIN_TOKEN,
  CONTAINER_TIMEOUT_MS,
  IN_HOURS,
  backofficeContainer,
  bearer,
  issueToken,
} from './support';

const MINUTE = 60_000;
const UNKNOWN_CONVERSATION = '/api/v1/conversations/00000000-0000-4000-8000-000000000000/takeover';

const identity = (over: Partial<OidcIdentity> = {}): OidcIdentity => ({
  tenantId: DEMO_TENANT,
  issuer: 'https://sso.val-de-loue.fr/realms/agents',
  subject: `sub-${randomBytes(6).toString('hex')}`,
  name: 'Marie Lambert',
  email: 'marie.lambert@val-de-loue.fr',
  role: 'agent',
  authorityId: null,
  ...over,
});

function sessionStoreContract(
  make: () => Promise<{ sessions: AgentSessionStore; sql: PostgresSharedStore['sql'] }>,
) {
  let sessions: AgentSessionStore;
  let sql: PostgresSharedStore['sql'];
  beforeAll(async () => {
    ({ sessions, sql } = await make());
  }, CONTAINER_TIMEOUT_MS);

  it('finds an agent by issuer and subject, following the provider’s name and role at each sign-in', async () => {
    const who = identity();
    const first = await sessions.upsertOidcAgent(who, IN_HOURS);
    const again = await sessions.upsertOidcAgent(
      { ...who, name: 'Marie Lambert-Roy', role: 'supervisor' },
      IN_HOURS,
    );
    expect(again).toEqual({ ...first, name: 'Marie Lambert-Roy', role: 'supervisor' });
    const other = await sessions.upsertOidcAgent({ ...who, issuer: 'https://autre.example' }, IN_HOURS);
    expect(other?.agentId).not.toBe(first?.agentId);
    await sql.query('UPDATE agents SET disabled_at = now() WHERE id = $1', [first?.agentId]);
    expect(await sessions.upsertOidcAgent(who, IN_HOURS)).toBeNull();
  });

  it('keeps a session until its idle or absolute end, or its revocation', async () => {
    const agent = await sessions.upsertOidcAgent(identity(), IN_HOURS);
    if (!agent) throw new Error('no agent');
    const open = async (lastSeen: Date, expiresAt: Date) => {
      const id = randomBytes(32).toString('base64url');
      const { sessionId } = await sessions.createSession({
        tokenHash: hashToken(id),
        csrfToken: 'csrf',
        agentId: agent.agentId,
        tenantId: agent.tenantId,
        method: 'oidc',
        now: lastSeen,
        expiresAt,
      });
      return { hash: hashToken(id), sessionId };
    };
    const later = new Date(IN_HOURS.getTime() + 8 * 3_600_000);
    const fresh = await open(new Date(IN_HOURS.getTime() - 5 * MINUTE), later);
    const found = await sessions.findSession(fresh.hash, IN_HOURS, 30 * MINUTE);
    expect(found).toMatchObject({
      sessionId: fresh.sessionId,
      name: 'Marie Lambert',
      role: 'agent',
      csrfToken: 'csrf',
    });
    // Seen now: still there 29 minutes later.
    expect(
      await sessions.findSession(fresh.hash, new Date(IN_HOURS.getTime() + 29 * MINUTE), 30 * MINUTE),
    ).not.toBeNull();

    const idle = await open(new Date(IN_HOURS.getTime() - 31 * MINUTE), later);
    expect(await sessions.findSession(idle.hash, IN_HOURS, 30 * MINUTE)).toBeNull();
    const ended = await open(new Date(IN_HOURS.getTime() - MINUTE), new Date(IN_HOURS.getTime() - 1000));
    expect(await sessions.findSession(ended.hash, IN_HOURS, 30 * MINUTE)).toBeNull();

    await sessions.revokeSession(fresh.sessionId, IN_HOURS);
    expect(await sessions.findSession(fresh.hash, IN_HOURS, 30 * MINUTE)).toBeNull();
    // Every session not yet revoked or past its absolute end is closed: the idle one too.
    const a = await open(IN_HOURS, later);
    const b = await open(IN_HOURS, later);
    expect(await sessions.revokeAgentSessions(agent.agentId, IN_HOURS)).toBe(3);
    expect(await sessions.findSession(a.hash, IN_HOURS, 30 * MINUTE)).toBeNull();
    expect(await sessions.findSession(b.hash, IN_HOURS, 30 * MINUTE)).toBeNull();
  });

  it('gives a sign-in in progress back once, and not after it expired', async () => {
    const pending = {
      idHash: hashToken(randomBytes(8).toString('hex')),
      state: 's',
      nonce: 'n',
      codeVerifier: 'v',
      returnTo: '/console',
      expiresAt: new Date(Date.now() + 10 * MINUTE),
    };
    await sessions.savePendingSignIn(pending);
    expect(await sessions.takePendingSignIn(pending.idHash, new Date())).toEqual(pending);
    expect(await sessions.takePendingSignIn(pending.idHash, new Date())).toBeNull();
    const old = { ...pending, idHash: hashToken('old'), expiresAt: new Date(Date.now() + MINUTE) };
    await sessions.savePendingSignIn(old);
    expect(await sessions.takePendingSignIn(old.idHash, new Date(Date.now() + 2 * MINUTE))).toBeNull();
  });
}

describe('AgentSessionStore on PGlite', () => {
  let store: PostgresSharedStore;
  afterAll(() => store?.close());
  sessionStoreContract(async () => {
    store = createSharedStore({ dataDir: 'memory://' });
    await store.migrate();
    await store.upsertTenants([{ id: DEMO_TENANT, name: 'Val de Loue' }]);
    return { sessions: new PostgresAgentSessionStore(store.sql), sql: store.sql };
  });
});

describeWith('postgres', 'AgentSessionStore on PostgreSQL', () => {
  const schema = `test_${uniqueSuffix()}`;
  let store: PostgresSharedStore;
  afterAll(async () => {
    await store?.close();
    const admin = new Client({ connectionString: databaseUrl() });
    await admin.connect();
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).finally(() => admin.end());
  });
  sessionStoreContract(async () => {
    store = createSharedStore({ databaseUrl: databaseUrl(), schema, poolSize: 2 });
    await store.migrate();
    await store.upsertTenants([{ id: DEMO_TENANT, name: 'Val de Loue' }]);
    return { sessions: new PostgresAgentSessionStore(store.sql), sql: store.sql };
  });
});

describe('/api/v1 with a console session cookie', () => {
  let container: Container;
  let sql: PostgresSharedStore['sql'];
  let sessions: AgentSessionStore;

  beforeAll(async () => {
    container = await backofficeContainer({ PUBLIC_URL: 'http://console.test' });
    sql = (container.store as PostgresSharedStore).sql;
    sessions = new PostgresAgentSessionStore(sql);
  }, CONTAINER_TIMEOUT_MS);
  afterAll(() => container?.close());

  /** A session as a sign-in opens it, seen `minutesAgo` ago (the back office runs on real time). */
  async function signedIn(over: Partial<OidcIdentity> = {}, minutesAgo = 1) {
    const agent = await sessions.upsertOidcAgent(identity(over), IN_HOURS);
    if (!agent) throw new Error('no agent');
    const id = randomBytes(32).toString('base64url');
    const csrf = randomBytes(32).toString('base64url');
    await sessions.createSession({
      tokenHash: hashToken(id),
      csrfToken: csrf,
      agentId: agent.agentId,
      tenantId: agent.tenantId,
      method: 'oidc',
      now: new Date(Date.now() - minutesAgo * MINUTE),
      expiresAt: new Date(Date.now() + 8 * 3_600_000),
    });
    return { cookie: `guichet_session=${id}`, csrf, agent };
  }

  it('answers a signed-in agent like a bearer token of the same role and tenant, and gives the CSRF token', async () => {
    const { cookie, csrf, agent } = await signedIn();
    const me = await request(container.app).get('/api/v1/me').set('Cookie', cookie);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({
      role: 'agent',
      tenantId: DEMO_TENANT,
      agentId: agent.agentId,
      name: 'Marie Lambert',
      tokenId: null,
    });
    const session = await request(container.app).get('/api/v1/session').set('Cookie', cookie);
    expect(session.body).toEqual({ signedInWith: 'session', csrfToken: csrf, idleMinutes: 30 });
    // Role checks apply as for tokens: an agent issues no tokens.
    const tokens = await request(container.app)
      .post('/api/v1/tokens')
      .set('Cookie', cookie)
      .set('X-CSRF-Token', csrf)
      .send({ role: 'agent' });
    expect(tokens.status).toBe(403);
  });

  it('refuses a state change without the CSRF token, with a wrong one, or from another origin', async () => {
    const { cookie, csrf } = await signedIn();
    const post = () => request(container.app).post(UNKNOWN_CONVERSATION).set('Cookie', cookie);
    expect((await post()).status).toBe(403);
    expect((await post().set('X-CSRF-Token', 'x'.repeat(43))).status).toBe(403);
    const foreign = await post().set('X-CSRF-Token', csrf).set('Origin', 'https://elsewhere.example');
    expect(foreign.status).toBe(403);
    expect(foreign.body.error.message).toMatch(/Cross-origin/);
    // Right token, same origin: the request reaches its route (an unknown conversation is not found).
    expect((await post().set('X-CSRF-Token', csrf).set('Origin', 'http://console.test')).status).toBe(404);
  });

  it('ends a session after SESSION_IDLE_MINUTES without activity', async () => {
    const { cookie } = await signedIn({}, 31);
    expect((await request(container.app).get('/api/v1/me').set('Cookie', cookie)).status).toBe(401);
  });

  it('signs out (cookie cleared, session gone) and out everywhere, with audit rows', async () => {
    const { cookie, csrf, agent } = await signedIn();
    const out = await request(container.app)
      .post('/api/v1/session/sign-out')
      .set('Cookie', cookie)
      .set('X-CSRF-Token', csrf);
    expect(out.status).toBe(200);
    expect(String(out.headers['set-cookie'])).toMatch(/guichet_session=;.*Expires=Thu, 01 Jan 1970/);
    expect((await request(container.app).get('/api/v1/me').set('Cookie', cookie)).status).toBe(401);

    const sub = { subject: `sub-everywhere-${randomBytes(4).toString('hex')}` };
    const office = await signedIn(sub);
    const phone = await signedIn(sub);
    const all = await request(container.app)
      .post('/api/v1/session/sign-out-everywhere')
      .set('Cookie', office.cookie)
      .set('X-CSRF-Token', office.csrf);
    expect(all.body).toEqual({ ok: true, closed: 2 });
    expect((await request(container.app).get('/api/v1/me').set('Cookie', phone.cookie)).status).toBe(401);

    const audit = await sql.query<{ action: string; actor: string }>(
      `SELECT action, actor FROM audit_log WHERE actor IN ($1, $2) ORDER BY id`,
      [`agent:${agent.agentId}`, `agent:${office.agent.agentId}`],
    );
    expect(audit.rows).toEqual([
      { action: 'session.close', actor: `agent:${agent.agentId}` },
      { action: 'session.close_all', actor: `agent:${office.agent.agentId}` },
    ]);
  });

  it('writes every read of a contact’s personal data to the audit log with the agent’s identity', async () => {
    const { cookie, agent } = await signedIn();
    const conversation = await container.store.openConversation({
      tenantId: DEMO_TENANT,
      channel: 'sms',
      address: `+3361${randomBytes(3).toString('hex').replace(/\D/g, '7').padEnd(7, '0')}`,
    });
    const contact = await sql.query<{ contact_id: string }>(
      'SELECT contact_id FROM conversations WHERE id = $1',
      [conversation.id],
    );
    const contactId = contact.rows[0]?.contact_id;
    const read = await request(container.app).get(`/api/v1/contacts/${contactId}`).set('Cookie', cookie);
    expect(read.status).toBe(200);
    const audit = await sql.query<{ action: string; target_id: string }>(
      'SELECT action, target_id FROM audit_log WHERE actor = $1',
      [`agent:${agent.agentId}`],
    );
    expect(audit.rows).toEqual([{ action: 'contact.read', target_id: contactId }]);
  });

  it('locks a disabled agent out at once', async () => {
    const { cookie, agent } = await signedIn();
    await sql.query('UPDATE agents SET disabled_at = now() WHERE id = $1', [agent.agentId]);
    expect((await request(container.app).get('/api/v1/me').set('Cookie', cookie)).status).toBe(401);
  });

  it('keeps bearer tokens for machines, never falling back to a cookie when a bearer is sent', async () => {
    const machine = await issueToken(container, { role: 'agent', tenantId: DEMO_TENANT, name: 'Open311' });
    expect((await request(container.app).get('/api/v1/me').set(bearer(machine.token))).status).toBe(200);
    const noSession = await request(container.app)
      .post('/api/v1/session/sign-out')
      .set(bearer(machine.token));
    expect(noSession.status).toBe(400);
    const { cookie } = await signedIn();
    const wrongBearer = await request(container.app)
      .get('/api/v1/me')
      .set('Cookie', cookie)
      .set(bearer('gch_not_a_real_token_0123456789'));
    expect(wrongBearer.status).toBe(401);
    expect((await request(container.app).get('/api/v1/me').set(bearer(ADMIN_TOKEN))).status).toBe(200);
  });

  it('documents the session routes and the cookie scheme in OpenAPI, and the sign-in options publicly', async () => {
    const doc = (await request(container.app).get('/api/v1/openapi.json')).body;
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/session', '/session/sign-out', '/session/sign-out-everywhere']),
    );
    expect(doc.components.securitySchemes.sessionCookie).toMatchObject({ type: 'apiKey', in: 'cookie' });
    // No identity provider configured here: the console offers the token form only.
    expect((await request(container.app).get('/auth/options')).body).toEqual({ oidc: null, password: true });
    expect((await request(container.app).get('/auth/oidc/login')).status).toBe(404);
  });
});
