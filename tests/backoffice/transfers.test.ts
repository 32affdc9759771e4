// Several actors, one territory (issue 18 point 4): a request handed by the Mairie de Vernière to the water
// utility (a partner reached by its webhook) leaves the mairie's agents' reach and reaches the utility's, takes its
// routing, is in the timeline and the audit log, and the citizen and their neighbour who follows it are told who
// handles it now, on their own channels, without a word of "resolved" or "rejected"; bad transfers are refused in
// plain words with nothing written. The territory's shared view shows every actor's open requests without a
// description, a contact or a conversation.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { verifyWebhookSignature } from '../../adapters/outbox';
import type { Container } from '../../server/container';
import { DEMO_TENANT } from '../support/harness';
import {
  ADMIN_TOKEN,
  CONTAINER_TIMEOUT_MS,
  backofficeContainer,
  bearer,
  incidentPayload,
  issueToken,
  rows,
  seedConversation,
} from './support';

const PARTNER = 'syndicat-eaux-loue';
const REASON = 'Fuite sur le réseau d’eau potable : compétence du syndicat';

/** A webhook receiver on loopback: what it received, with the signature checked. */
async function receiver(secret: () => string) {
  const received: { event: string; signatureOk: boolean; body: { data: Record<string, unknown> } }[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      received.push({
        event: String(req.headers['x-guichet-event']),
        signatureOk: verifyWebhookSignature(
          secret(),
          {
            signature: req.headers['x-guichet-signature'] as string,
            timestamp: req.headers['x-guichet-timestamp'] as string,
          },
          body,
        ),
        body: JSON.parse(body),
      });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return { url, received, stop: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('transfers between the authorities of a territory', () => {
  let container: Container;
  const api = () => request(container.app);
  const tokens = { mairie: '', syndicat: '', ambreuil: '', supervisor: '' };
  let mairieAgentId: string;
  let syndicatTeam: string;

  beforeAll(async () => {
    container = await backofficeContainer({ WEBHOOK_ALLOWED_HOSTS: '127.0.0.1' });
    const mairie = await issueToken(container, {
      role: 'agent',
      tenantId: DEMO_TENANT,
      authorityId: 'commune-verniere',
      name: 'Camille Mairie',
    });
    tokens.mairie = mairie.token;
    mairieAgentId = mairie.agentId ?? '';
    tokens.syndicat = (
      await issueToken(container, { role: 'agent', tenantId: DEMO_TENANT, authorityId: PARTNER })
    ).token;
    tokens.ambreuil = (
      await issueToken(container, {
        role: 'agent',
        tenantId: DEMO_TENANT,
        authorityId: 'commune-saint-ambreuil',
      })
    ).token;
    tokens.supervisor = (await issueToken(container, { role: 'supervisor', tenantId: DEMO_TENANT })).token;
    // The water utility's own team, and its rule for water incidents: a transferred request lands there.
    const team = await api()
      .post('/api/v1/teams')
      .set(bearer(ADMIN_TOKEN))
      .send({ tenantId: DEMO_TENANT, name: 'Réseau d’eau', authorityId: PARTNER });
    expect(team.status).toBe(201);
    syndicatTeam = team.body.id;
  }, CONTAINER_TIMEOUT_MS);
  afterAll(() => container.close());

  const waterLeak = (channel: 'webchat' | 'sms', extra: Record<string, unknown> = {}) =>
    seedConversation(container, {
      tenantId: DEMO_TENANT,
      channel,
      text: 'De l’eau jaillit du trottoir rue Basse',
      requests: [
        {
          type: 'report_incident',
          authorityId: 'commune-verniere',
          communeId: 'verniere',
          location: { lat: 47.1187, lon: 6.0724 },
          payload: incidentPayload('eau', 'De l’eau jaillit du trottoir', extra),
        },
      ],
    });

  const transcript = async (conversationId: string) =>
    (
      await rows<{ text: string }>(
        container,
        'SELECT text FROM messages WHERE conversation_id = $1 ORDER BY created_at, id',
        [conversationId],
      )
    ).map((m) => m.text);

  it('hands a request to the water utility: its agents see it, the mairie’s no longer do, the citizen and the follower are told, its webhook receives it', async () => {
    const reporter = await waterLeak('webchat');
    const reference = reporter.references[0]!;
    // A neighbour reported the same leak by SMS and follows this request.
    const neighbour = await seedConversation(container, {
      tenantId: DEMO_TENANT,
      channel: 'sms',
      text: 'fuite d’eau rue Basse',
    });
    await rows(
      container,
      `INSERT INTO request_followers (request_id, contact_id) SELECT id, $2::uuid FROM requests WHERE reference = $1`,
      [reference, neighbour.contactId],
    );
    // The mairie had put it on one of its agents.
    await api()
      .post(`/api/v1/requests/${reference}/assign`)
      .set(bearer(tokens.mairie))
      .send({ teamId: null, agentId: mairieAgentId })
      .expect(200);
    // The utility routes water incidents to its team.
    await api()
      .post('/api/v1/routing-rules')
      .set(bearer(ADMIN_TOKEN))
      .send({ tenantId: DEMO_TENANT, requestType: 'report_incident', category: 'eau', teamId: syndicatTeam })
      .expect(201);
    // Webhooks: the utility's (it has no agents in the console), the mairie's, and another commune's.
    const secrets: Record<string, string> = {};
    const hooks: Record<string, Awaited<ReturnType<typeof receiver>>> = {
      [PARTNER]: await receiver(() => secrets[PARTNER] ?? ''),
      'commune-verniere': await receiver(() => secrets['commune-verniere'] ?? ''),
      'commune-saint-ambreuil': await receiver(() => secrets['commune-saint-ambreuil'] ?? ''),
    };
    try {
      for (const [authorityId, hook] of Object.entries(hooks)) {
        const created = await api()
          .post('/api/v1/webhooks')
          .set(bearer(ADMIN_TOKEN))
          .send({ tenantId: DEMO_TENANT, authorityId, url: hook.url, events: ['request.transferred'] });
        expect(created.status).toBe(201);
        secrets[authorityId] = created.body.secret;
      }
      expect((await api().get(`/api/v1/requests/${reference}`).set(bearer(tokens.syndicat))).status).toBe(
        404,
      );

      const res = await api()
        .post(`/api/v1/requests/${reference}/transfer`)
        .set(bearer(tokens.mairie))
        .send({ authorityId: PARTNER, reason: REASON });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        reference,
        authorityId: PARTNER,
        status: 'received',
        // The utility's routing put it in its own team; the mairie's agent no longer holds it.
        teamId: syndicatTeam,
        assignedAgentId: null,
        visible: false,
      });

      // Scoping: out of the mairie's reach, in the utility's.
      expect((await api().get(`/api/v1/requests/${reference}`).set(bearer(tokens.mairie))).status).toBe(404);
      const mairieList = await api().get('/api/v1/requests?limit=200').set(bearer(tokens.mairie));
      expect(mairieList.body.items.map((r: { reference: string }) => r.reference)).not.toContain(reference);
      expect((await api().get(`/api/v1/requests/${reference}`).set(bearer(tokens.syndicat))).status).toBe(
        200,
      );
      const syndicatList = await api().get('/api/v1/requests?limit=200').set(bearer(tokens.syndicat));
      expect(syndicatList.body.items.map((r: { reference: string }) => r.reference)).toEqual([reference]);

      // The citizen (web chat) and the neighbour (SMS) are told who handles it now; never the reason.
      const told = `Votre demande ${reference} est désormais traitée par Syndicat des eaux de la Loue.`;
      const followerTold = `Le signalement ${reference} que vous suivez est désormais traité par Syndicat des eaux de la Loue.`;
      expect((await transcript(reporter.conversationId)).at(-1)).toBe(told);
      expect((await transcript(neighbour.conversationId)).at(-1)).toBe(followerTold);
      const notices = await rows<{
        payload: { channel: string; to: string; text: string; requestId: string };
      }>(
        container,
        `SELECT payload FROM outbox WHERE kind = 'notification' AND payload ->> 'requestId' = $1 ORDER BY id`,
        [res.body.id],
      );
      expect(notices.map((n) => [n.payload.channel, n.payload.to, n.payload.text])).toEqual(
        expect.arrayContaining([
          ['webchat', reporter.address, told],
          ['sms', neighbour.address, followerTold],
        ]),
      );
      for (const n of notices) {
        expect(n.payload.text).not.toMatch(/résolu|rejet|compétence|Fuite/i);
      }

      // The timeline, as the utility's agent reads it.
      const timeline = (
        await api().get(`/api/v1/requests/${reference}/timeline`).set(bearer(tokens.syndicat))
      ).body.items as { kind: string; label: string; text: string | null; actor: string | null }[];
      expect(timeline).toContainEqual(
        expect.objectContaining({
          kind: 'transfer',
          label: 'Transfert',
          text: `Transférée à Syndicat des eaux de la Loue — ${REASON}`,
        }),
      );
      expect(timeline).toContainEqual(
        expect.objectContaining({
          kind: 'assignment',
          actor: 'routage automatique',
          text: 'Attribuée à Réseau d’eau',
        }),
      );
      expect(timeline).toContainEqual(
        expect.objectContaining({
          kind: 'notification',
          label: 'Message envoyé au demandeur (Chat du site)',
          text: told,
        }),
      );

      // The audit log and the webhook event.
      expect(
        await rows(
          container,
          `SELECT actor, details FROM audit_log WHERE action = 'request.transfer' AND target_id = $1`,
          [res.body.id],
        ),
      ).toEqual([
        {
          actor: `agent:${mairieAgentId}`,
          details: { reference, from: 'commune-verniere', to: PARTNER },
        },
      ]);
      const [event] = await rows<{ payload: Record<string, unknown> }>(
        container,
        `SELECT payload FROM outbox WHERE kind = 'request.transferred' AND payload ->> 'requestId' = $1`,
        [res.body.id],
      );
      expect(event?.payload).toEqual({
        tenantId: DEMO_TENANT,
        requestId: res.body.id,
        reference,
        type: 'report_incident',
        authorityId: PARTNER,
        previousAuthorityId: 'commune-verniere',
        from: 'commune-verniere',
        to: PARTNER,
        reason: REASON,
      });
      // The relay delivers it, signed, to the utility and to the mairie that gave it away; not to another commune.
      const received = (authorityId: string) => hooks[authorityId]?.received ?? [];
      for (
        let i = 0;
        i < 50 && (received(PARTNER).length === 0 || received('commune-verniere').length === 0);
        i++
      )
        await container.backoffice.relay.runOnce();
      for (const authorityId of [PARTNER, 'commune-verniere']) {
        expect(received(authorityId)).toEqual([
          expect.objectContaining({
            event: 'request.transferred',
            signatureOk: true,
            body: expect.objectContaining({
              data: expect.objectContaining({
                reference,
                from: 'commune-verniere',
                to: PARTNER,
                reason: REASON,
              }),
            }),
          }),
        ]);
      }
      expect(received('commune-saint-ambreuil')).toEqual([]);
      expect(
        await rows(
          container,
          `SELECT 1 FROM outbox WHERE kind = 'webhook' AND payload ->> 'requestId' = $1`,
          [res.body.id],
        ),
      ).toHaveLength(2);
    } finally {
      for (const hook of Object.values(hooks)) await hook.stop();
    }
  });

  it('a supervisor of the territory moves an SMS report to the intercommunalité, with no team there: unrouted, still visible to them', async () => {
    const reporter = await waterLeak('sms');
    const reference = reporter.references[0]!;
    const res = await api()
      .post(`/api/v1/requests/${reference}/transfer`)
      .set(bearer(tokens.supervisor))
      .send({ authorityId: 'cc-val-de-loue', reason: 'Réseau intercommunal' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ authorityId: 'cc-val-de-loue', teamId: null, visible: true });
    const told = `Votre demande ${reference} est désormais traitée par Communauté de communes du Val de Loue.`;
    expect((await transcript(reporter.conversationId)).at(-1)).toBe(told);
    const sms = await rows<{ payload: { channel: string; to: string; text: string } }>(
      container,
      `SELECT payload FROM outbox WHERE kind = 'notification' AND payload ->> 'requestId' = $1`,
      [res.body.id],
    );
    expect(sms.map((n) => [n.payload.channel, n.payload.to, n.payload.text])).toEqual([
      ['sms', reporter.address, told],
    ]);
  });

  it('forgets the reason of a transfer when the citizen’s data is erased (it may name them)', async () => {
    const reporter = await waterLeak('sms');
    const reference = reporter.references[0]!;
    const reason = 'Mme Roux, voisine du 3, dit que la fuite vient du compteur';
    const moved = await api()
      .post(`/api/v1/requests/${reference}/transfer`)
      .set(bearer(tokens.supervisor))
      .send({ authorityId: PARTNER, reason });
    expect(moved.status).toBe(200);
    await api()
      .post(`/api/v1/contacts/${reporter.contactId}/erase`)
      .set(bearer(tokens.supervisor))
      .expect(200);
    const kept = await rows<{ text: string }>(
      container,
      `SELECT coalesce(e.note, '') || coalesce(e.details::text, '') AS text FROM request_events e WHERE e.request_id::text = $1::text
       UNION ALL SELECT payload::text FROM outbox WHERE payload ->> 'requestId' = $1::text
       UNION ALL SELECT details::text FROM audit_log WHERE target_id::text = $1::text AND action = 'request.transfer'`,
      [moved.body.id],
    );
    expect(kept.length).toBeGreaterThan(2);
    expect(kept.map((r) => r.text).join(' ')).not.toContain('Roux');
    // The transfer itself stays in the request's history.
    const [event] = await rows<{ details: Record<string, unknown> }>(
      container,
      `SELECT details FROM request_events WHERE request_id = $1 AND kind = 'transfer'`,
      [moved.body.id],
    );
    expect(event?.details).toEqual({ from: 'commune-verniere', to: PARTNER });
  });

  it('refuses, in plain words and writing nothing, a transfer to an unknown, the same or another territory’s authority, without a reason, or of a closed request', async () => {
    const reporter = await waterLeak('sms');
    const reference = reporter.references[0]!;
    const transfer = (token: string, body: Record<string, unknown>) =>
      api().post(`/api/v1/requests/${reference}/transfer`).set(bearer(token)).send(body);
    const written = async () =>
      (
        await rows<{ n: number }>(
          container,
          `SELECT (SELECT count(*) FROM request_events e JOIN requests r ON r.id = e.request_id WHERE r.reference = $1)
                + (SELECT count(*) FROM outbox WHERE payload ->> 'reference' = $1 AND kind <> 'request.created')
                + (SELECT count(*) FROM audit_log WHERE details ->> 'reference' = $1) AS n`,
          [reference],
        )
      )[0]?.n;
    const before = await written();

    const unknown = await transfer(tokens.mairie, { authorityId: 'syndicat-des-nuages', reason: REASON });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toBe(
      'authorityId: "syndicat-des-nuages" is not an authority of this territory',
    );
    const same = await transfer(tokens.mairie, { authorityId: 'commune-verniere', reason: REASON });
    expect(same.status).toBe(400);
    expect(same.body.error.message).toBe('authorityId: the request is already handled by Mairie de Vernière');
    // Another territory's authority is not one of this territory's.
    expect(
      (await transfer(tokens.mairie, { authorityId: 'commune-pointe-aux-herons', reason: REASON })).status,
    ).toBe(400);
    const noReason = await transfer(tokens.mairie, { authorityId: PARTNER, reason: '  ' });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.message).toMatch(/^body\.reason: say why the request is transferred/);
    // Another authority's agent does not even see it.
    expect((await transfer(tokens.ambreuil, { authorityId: PARTNER, reason: REASON })).status).toBe(404);
    expect(await written()).toBe(before);

    await api()
      .post(`/api/v1/requests/${reference}/status`)
      .set(bearer(tokens.mairie))
      .send({ status: 'resolved', notify: false })
      .expect(200);
    const closed = await transfer(tokens.mairie, { authorityId: PARTNER, reason: REASON });
    expect(closed.status).toBe(409);
    expect(closed.body.error.message).toBe(
      `The request ${reference} is closed: reopen it before transferring it`,
    );
    expect(
      (await api().get(`/api/v1/requests/${reference}`).set(bearer(tokens.mairie))).body.authorityId,
    ).toBe('commune-verniere');
  });

  it('shows every actor’s open requests to any authority’s agent, without a description, a contact or a conversation', async () => {
    const planted = {
      name: 'Jeanne Dupont-Lacroix',
      phone: '06 12 34 56 78',
      email: 'jeanne.dupont@example.org',
      contact: '+33698765432',
    };
    const leak = await seedConversation(container, {
      tenantId: DEMO_TENANT,
      channel: 'sms',
      address: planted.contact,
      requests: [
        {
          type: 'report_incident',
          authorityId: 'commune-verniere',
          communeId: 'verniere',
          location: { lat: 47.119, lon: 6.073 },
          payload: incidentPayload(
            'voirie',
            `Trou devant chez ${planted.name}, appelez-moi au ${planted.phone} ou ${planted.email}`,
            { contact: { kind: 'phone', value: planted.contact }, name: planted.name },
          ),
        },
        {
          type: 'school_registration',
          authorityId: 'commune-verniere',
          communeId: 'verniere',
          location: { lat: 47.12, lon: 6.07 },
          payload: { child: { firstName: 'Léo', lastName: 'Dupont-Lacroix' }, level: 'cp' },
        },
      ],
    });
    await rows(container, `UPDATE requests SET address_text = '3 rue Basse, Vernière' WHERE reference = $1`, [
      leak.references[0],
    ]);
    await rows(
      container,
      `UPDATE requests SET address_text = '12 chemin des Écoliers' WHERE reference = $1`,
      [leak.references[1]],
    );
    await rows(container, `UPDATE contacts SET display_name = $2 WHERE id = $1`, [
      leak.contactId,
      planted.name,
    ]);
    const done = await waterLeak('sms');
    await api()
      .post(`/api/v1/requests/${done.references[0]}/status`)
      .set(bearer(tokens.supervisor))
      .send({ status: 'resolved', notify: false })
      .expect(200);

    // An agent of Saint-Ambreuil reads what happens in Vernière.
    const res = await api().get('/api/v1/territory/open-requests').set(bearer(tokens.ambreuil));
    expect(res.status).toBe(200);
    const items = res.body.items as Record<string, unknown>[];
    expect(items.find((i) => i.reference === leak.references[0])).toEqual({
      reference: leak.references[0],
      type: 'report_incident',
      category: 'voirie',
      communeId: 'verniere',
      authorityId: 'commune-verniere',
      status: 'received',
      createdAt: expect.any(String),
      location: { lat: 47.119, lon: 6.073 },
      address: '3 rue Basse, Vernière',
    });
    // A child's registration: listed, but its place is a home, so it is not shown.
    expect(items.find((i) => i.reference === leak.references[1])).toMatchObject({
      type: 'school_registration',
      location: null,
      address: null,
    });
    // Closed requests are not open; the transfers above are there under their new authority.
    expect(items.map((i) => i.reference)).not.toContain(done.references[0]);
    expect(items.some((i) => i.authorityId === PARTNER)).toBe(true);
    const text = JSON.stringify(res.body);
    for (const value of [
      ...Object.values(planted),
      '0612345678',
      'Léo',
      'chemin des Écoliers',
      leak.conversationId,
    ])
      expect(text).not.toContain(value);
    expect(text).not.toMatch(/description|contact|conversation|payload/);

    // Filters: commune, category, a box around the leak (the child's home is never found by a box).
    const refs = async (q: string) =>
      (
        (await api().get(`/api/v1/territory/open-requests?${q}`).set(bearer(tokens.ambreuil))).body.items as {
          reference: string;
        }[]
      ).map((i) => i.reference);
    expect(await refs('commune=saint-ambreuil')).not.toContain(leak.references[0]);
    expect(await refs('commune=verniere&category=voirie')).toContain(leak.references[0]);
    expect(await refs('category=eau')).not.toContain(leak.references[0]);
    const box = await refs('bbox=6.06,47.11,6.08,47.13');
    expect(box).toContain(leak.references[0]);
    expect(box).not.toContain(leak.references[1]);
    expect(await refs('bbox=5.0,46.0,5.1,46.1')).toEqual([]);

    // Bad input: a clear 400; no session: 401; a platform administrator names the territory.
    const badBox = await api()
      .get('/api/v1/territory/open-requests?bbox=6,47,nord')
      .set(bearer(tokens.ambreuil));
    expect(badBox.status).toBe(400);
    expect(badBox.body.error.message).toMatch(/^query\.bbox: must be "west,south,east,north"/);
    const badCommune = await api()
      .get('/api/v1/territory/open-requests?commune=atlantide')
      .set(bearer(tokens.ambreuil));
    expect(badCommune.status).toBe(400);
    expect(badCommune.body.error.message).toBe('commune: no commune "atlantide" in this territory');
    expect(
      (await api().get('/api/v1/territory/open-requests?category=licornes').set(bearer(tokens.ambreuil)))
        .status,
    ).toBe(400);
    expect((await api().get('/api/v1/territory/open-requests')).status).toBe(401);
    expect((await api().get('/api/v1/territory/open-requests').set(bearer(ADMIN_TOKEN))).status).toBe(400);
    expect(
      (await api().get(`/api/v1/territory/open-requests?tenant=${DEMO_TENANT}`).set(bearer(ADMIN_TOKEN)))
        .status,
    ).toBe(200);
  });
});
