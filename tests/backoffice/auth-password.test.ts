// Embedded sign-in without an identity provider: ADMIN_TOKEN invites the first administrator, who invites
// agents; each sets a password through a one-time, expiring link; passwords are salted scrypt hashes;
// five wrong passwords lock the account; disabling an agent ends their sessions; scopes and roles apply.
import request from 'supertest';
import type { PostgresSharedStore } from '../../adapters/postgres';
import type { Container } from '../../server/container';
import { DEMO_TENANT } from '../support/harness';
import { ADMIN_TOKEN, CONTAINER_TIMEOUT_MS, OTHER_TENANT, backofficeContainer, bearer } from './support';

const PASSWORD = 'Loue-lampadaire-2026';

describe('agents invited by an administrator, signing in with a password', () => {
  let container: Container;
  let sql: PostgresSharedStore['sql'];

  beforeAll(async () => {
    container = await backofficeContainer({ PUBLIC_URL: 'http://console.test' });
    sql = (container.store as PostgresSharedStore).sql;
  }, CONTAINER_TIMEOUT_MS);
  afterAll(() => container?.close());

  const tokenOf = (url: string): string => url.slice(url.indexOf('#') + 1);

  async function invite(auth: Record<string, string>, body: Record<string, unknown>) {
    const res = await request(container.app).post('/api/v1/agents').set(auth).send(body);
    if (res.status !== 201) throw new Error(`invite: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as { agent: { id: string }; invitationUrl: string; expiresAt: string };
  }

  /** Accepts an invitation; returns the session cookie and CSRF token. */
  async function accept(token: string, password = PASSWORD) {
    const res = await request(container.app).post('/auth/invitation').send({ token, password });
    if (res.status !== 200) throw new Error(`accept: ${res.status} ${JSON.stringify(res.body)}`);
    return sessionOf(res);
  }

  async function sessionOf(res: request.Response) {
    const cookie = String(res.headers['set-cookie']).split(';')[0] ?? '';
    const session = await request(container.app).get('/api/v1/session').set('Cookie', cookie);
    return { Cookie: cookie, 'X-CSRF-Token': String(session.body.csrfToken) };
  }

  const signIn = (email: string, password: string) =>
    request(container.app).post('/auth/password').send({ email, password });

  it('ADMIN_TOKEN invites the first administrator, who sets a password once and invites an agent', async () => {
    const first = await invite(bearer(ADMIN_TOKEN), {
      tenantId: DEMO_TENANT,
      name: 'Claire Admin',
      email: 'claire@val-de-loue.fr',
      role: 'admin',
    });
    expect(first.invitationUrl).toMatch(/^http:\/\/console\.test\/console\/invitation\.html#[\w-]{43}$/);
    expect(new Date(first.expiresAt).getTime() - Date.now()).toBeGreaterThan(71 * 3_600_000);

    const short = await request(container.app)
      .post('/auth/invitation')
      .send({ token: tokenOf(first.invitationUrl), password: 'court' });
    expect(short.status).toBe(400);
    expect(short.body.error.message).toMatch(/body\.password: at least 12 characters/);

    const admin = await accept(tokenOf(first.invitationUrl));
    const me = await request(container.app).get('/api/v1/me').set(admin);
    expect(me.body).toMatchObject({ name: 'Claire Admin', role: 'admin', tenantId: DEMO_TENANT });
    // The link works once.
    const again = await request(container.app)
      .post('/auth/invitation')
      .send({ token: tokenOf(first.invitationUrl), password: PASSWORD });
    expect(again.status).toBe(404);
    expect(again.body.error.message).toMatch(/n’est plus valable/);

    const agent = await invite(admin, { name: 'Paul Voirie', email: 'paul@val-de-loue.fr', role: 'agent' });
    await accept(tokenOf(agent.invitationUrl), 'Paul-voirie-secret-1');
    const signedIn = await signIn('PAUL@val-de-loue.fr', 'Paul-voirie-secret-1');
    expect(signedIn.status).toBe(200);
    expect(signedIn.body).toEqual({ ok: true, name: 'Paul Voirie' });
    expect(String(signedIn.headers['set-cookie'])).toMatch(
      /guichet_session=[\w-]+; Path=\/;.*HttpOnly; SameSite=Lax/,
    );

    const list = await request(container.app).get('/api/v1/agents').set(admin);
    expect(list.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'Paul Voirie', role: 'agent', signIn: 'password', disabledAt: null }),
      ]),
    );
    // Hashes only, each with its own salt.
    const hashes = await sql.query<{ password_hash: string }>(
      `SELECT password_hash FROM agents WHERE email IN ('claire@val-de-loue.fr', 'paul@val-de-loue.fr')`,
    );
    for (const { password_hash } of hashes.rows) expect(password_hash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(
      hashes.rows.map((r) => r.password_hash.split('$')[4]).filter((s, i, all) => all.indexOf(s) === i),
    ).toHaveLength(2);
  });

  it('answers the same for an unknown address and a wrong password, and locks the account after 5 failures', async () => {
    const { invitationUrl } = await invite(bearer(ADMIN_TOKEN), {
      tenantId: DEMO_TENANT,
      name: 'Lina Accueil',
      email: 'lina@val-de-loue.fr',
      role: 'agent',
    });
    await accept(tokenOf(invitationUrl));
    const unknown = await signIn('personne@val-de-loue.fr', PASSWORD);
    const wrong = await signIn('lina@val-de-loue.fr', 'pas-le-bon-mot-de-passe');
    expect([unknown.status, wrong.status]).toEqual([401, 401]);
    expect(unknown.body.error.message).toBe(wrong.body.error.message);
    for (let i = 0; i < 4; i += 1)
      expect((await signIn('lina@val-de-loue.fr', 'pas-le-bon-mot-de-passe')).status).toBe(401);
    // Five failures: even the right password is refused for 15 minutes.
    const locked = await signIn('lina@val-de-loue.fr', PASSWORD);
    expect(locked.status).toBe(429);
    expect(locked.body.error.message).toMatch(/verrouillé pendant 15 minutes/);
    // Once the lock has run out, the right password works and the count starts again.
    await sql.query(
      `UPDATE agents SET locked_until = now() - interval '1 second' WHERE email = 'lina@val-de-loue.fr'`,
    );
    expect((await signIn('lina@val-de-loue.fr', PASSWORD)).status).toBe(200);
  });

  it('refuses an expired invitation, a cross-origin or form-encoded sign-in', async () => {
    const { invitationUrl } = await invite(bearer(ADMIN_TOKEN), {
      tenantId: DEMO_TENANT,
      name: 'Hugo Tard',
      email: 'hugo@val-de-loue.fr',
      role: 'agent',
    });
    await sql.query(
      `UPDATE agent_invitations SET expires_at = now() - interval '1 minute'
       WHERE agent_id = (SELECT id FROM agents WHERE email = 'hugo@val-de-loue.fr')`,
    );
    const expired = await request(container.app)
      .post('/auth/invitation')
      .send({ token: tokenOf(invitationUrl), password: PASSWORD });
    expect(expired.status).toBe(404);
    const foreign = await request(container.app)
      .post('/auth/password')
      .set('Origin', 'https://elsewhere.example')
      .send({ email: 'claire@val-de-loue.fr', password: PASSWORD });
    expect(foreign.status).toBe(403);
    const form = await request(container.app)
      .post('/auth/password')
      .type('form')
      .send({ email: 'claire@val-de-loue.fr', password: PASSWORD });
    expect(form.status).toBe(415);
  });

  it('disabling an agent ends their sessions at once; roles and tenants scope the agents screen', async () => {
    const { agent, invitationUrl } = await invite(bearer(ADMIN_TOKEN), {
      tenantId: DEMO_TENANT,
      name: 'Eve Départ',
      email: 'eve@val-de-loue.fr',
      role: 'agent',
    });
    const eve = await accept(tokenOf(invitationUrl));
    expect((await request(container.app).get('/api/v1/agents').set(eve)).status).toBe(403);
    const disabled = await request(container.app)
      .post(`/api/v1/agents/${agent.id}/disable`)
      .set(bearer(ADMIN_TOKEN));
    expect(disabled.body.disabledAt).not.toBeNull();
    expect((await request(container.app).get('/api/v1/me').set(eve)).status).toBe(401);
    expect((await signIn('eve@val-de-loue.fr', PASSWORD)).status).toBe(401);

    const other = await invite(bearer(ADMIN_TOKEN), {
      tenantId: OTHER_TENANT,
      name: 'Admin Autre',
      email: 'admin@autre.fr',
      role: 'admin',
    });
    const otherAdmin = await accept(tokenOf(other.invitationUrl));
    expect(
      (await request(container.app).post(`/api/v1/agents/${agent.id}/enable`).set(otherAdmin)).status,
    ).toBe(404);
    const role = await request(container.app)
      .post(`/api/v1/agents/${agent.id}/role`)
      .set(bearer(ADMIN_TOKEN))
      .send({ role: 'maire' });
    expect(role.status).toBe(400);
    const duplicate = await request(container.app)
      .post('/api/v1/agents')
      .set(bearer(ADMIN_TOKEN))
      .send({ tenantId: DEMO_TENANT, name: 'Eve bis', email: 'EVE@val-de-loue.fr', role: 'agent' });
    expect(duplicate.status).toBe(409);
  });
});
