// The back-office REST API against the real container: PGlite (embedded) and a PostgreSQL server (unique
// schema). Answers are checked against the same zod schemas the OpenAPI document is generated from.
import request from 'supertest';
import type { JsonValue } from '../../bot/ports';
import {
  ContactExportSchema,
  ContactViewSchema,
  ConversationDetailViewSchema,
  ConversationViewSchema,
  ErasureResultSchema,
  IndicatorsViewSchema,
  RequestDetailViewSchema,
  RequestViewSchema,
  pageOf,
} from '../../backoffice';
import type { Container } from '../../server/container';
import { DEMO_TENANT } from '../support/harness';
import { databaseUrl, describeWith, uniqueSuffix } from '../support/services';
import {
  ADMIN_TOKEN,
  backofficeContainer,
  bearer,
  incidentPayload,
  issueToken,
  record,
  rows,
  seedConversation,
  eventually,
  CONTAINER_TIMEOUT_MS,
} from './support';

const RequestPage = pageOf(RequestViewSchema);
const ConversationPage = pageOf(ConversationViewSchema);

function apiSuite(make: () => Promise<Container>): void {
  let container: Container;
  let agent: { token: string; agentId: string | null };
  let supervisor: { token: string };
  let seeded: Awaited<ReturnType<typeof seedConversation>>;
  let sms: Awaited<ReturnType<typeof seedConversation>>;

  const api = () => request(container.app);

  beforeAll(async () => {
    container = await make();
    agent = await issueToken(container, { role: 'agent', tenantId: DEMO_TENANT, name: 'Marie' });
    supervisor = await issueToken(container, { role: 'supervisor', tenantId: DEMO_TENANT });
    seeded = await seedConversation(container, {
      tenantId: DEMO_TENANT,
      requests: [
        {
          type: 'report_incident',
          authorityId: 'commune-verniere',
          communeId: 'verniere',
          payload: incidentPayload('eclairage', 'Lampadaire éteint rue des Tilleuls', {
            contact: { kind: 'email', value: 'jeanne@example.org' },
          }),
          location: { lat: 47.1, lon: 5.9 },
        },
        {
          type: 'school_registration',
          authorityId: 'commune-montcey-sur-loue',
          communeId: 'montcey-sur-loue',
          payload: {
            child: { firstName: 'Léa', lastName: 'Martin', birthDate: '2021-04-02' },
            level: { id: 'ps', label: 'Petite section', cycle: 'maternelle' },
            address: { text: '3 rue du Moulin' },
            parentContact: { kind: 'phone', value: '+33612345678' },
            documents: [],
          },
        },
      ],
    });
    sms = await seedConversation(container, {
      tenantId: DEMO_TENANT,
      channel: 'sms',
      address: '+33698765432',
      text: 'je veux parler à quelqu’un',
      owner: 'queue',
      requests: [
        {
          type: 'report_incident',
          authorityId: 'cc-val-de-loue',
          communeId: 'montcey-sur-loue',
          payload: incidentPayload('proprete', 'Dépôt sauvage derrière la salle des fêtes'),
        },
      ],
    });
  }, CONTAINER_TIMEOUT_MS);
  afterAll(() => container.close());

  describe('authentication and roles', () => {
    it('asks for a bearer token, and refuses unknown ones', async () => {
      const none = await api().get('/api/v1/requests');
      expect(none.status).toBe(401);
      expect(none.headers['www-authenticate']).toMatch(/Bearer/);
      expect(none.body.error.code).toBe('UNAUTHORIZED');
      expect((await api().get('/api/v1/requests').set(bearer('gch_not-a-real-token-at-all'))).status).toBe(
        401,
      );
      expect((await api().get('/api/v1/requests').set({ Authorization: 'Basic abc' })).status).toBe(401);
    });

    it('lets agents work but not manage tokens or read indicators', async () => {
      expect((await api().get('/api/v1/requests').set(bearer(agent.token))).status).toBe(200);
      const tokens = await api().post('/api/v1/tokens').set(bearer(agent.token)).send({ role: 'admin' });
      expect(tokens.status).toBe(403);
      expect((await api().get('/api/v1/tokens').set(bearer(supervisor.token))).status).toBe(403);
      expect((await api().get('/api/v1/indicators').set(bearer(agent.token))).status).toBe(403);
      expect((await api().get('/api/v1/indicators').set(bearer(supervisor.token))).status).toBe(200);
    });

    it('issues a token once, stores only its hash, and a revoked token stops working', async () => {
      const issued = await issueToken(container, { role: 'agent', tenantId: DEMO_TENANT });
      const stored = await rows<{ token_hash: string }>(
        container,
        'SELECT token_hash FROM api_tokens WHERE id = $1',
        [issued.id],
      );
      expect(stored[0]?.token_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(JSON.stringify(stored)).not.toContain(issued.token);
      expect((await api().get('/api/v1/me').set(bearer(issued.token))).body).toMatchObject({
        role: 'agent',
        tenantId: DEMO_TENANT,
      });
      expect((await api().delete(`/api/v1/tokens/${issued.id}`).set(bearer(ADMIN_TOKEN))).status).toBe(200);
      expect((await api().get('/api/v1/me').set(bearer(issued.token))).status).toBe(401);
    });

    it('refuses bad token requests with a 4xx naming the problem', async () => {
      const noTenant = await api().post('/api/v1/tokens').set(bearer(ADMIN_TOKEN)).send({ role: 'agent' });
      expect(noTenant.status).toBe(400);
      expect(noTenant.body.error.message).toMatch(/tenantId/);
      const badRole = await api()
        .post('/api/v1/tokens')
        .set(bearer(ADMIN_TOKEN))
        .send({ role: 'boss', tenantId: DEMO_TENANT });
      expect(badRole.status).toBe(400);
      expect(badRole.body.error.message).toMatch(/^body\.role/);
      const badAuthority = await api()
        .post('/api/v1/tokens')
        .set(bearer(ADMIN_TOKEN))
        .send({ role: 'agent', tenantId: DEMO_TENANT, authorityId: 'nowhere' });
      expect(badAuthority.status).toBe(400);
      const unknownTenant = await api()
        .post('/api/v1/tokens')
        .set(bearer(ADMIN_TOKEN))
        .send({ role: 'agent', tenantId: 'atlantis' });
      expect(unknownTenant.status).toBe(404);
    });
  });

  describe('OpenAPI document', () => {
    it('is served without a token and describes every route with its role', async () => {
      const res = await api().get('/api/v1/openapi.json');
      expect(res.status).toBe(200);
      expect(res.body.openapi).toBe('3.1.0');
      const paths = res.body.paths as Record<
        string,
        Record<string, { 'x-minimum-role': string; parameters: { name: string }[] }>
      >;
      for (const path of [
        '/requests',
        '/requests/{id}',
        '/requests/{id}/status',
        '/requests/{id}/assign',
        '/conversations',
        '/conversations/{id}',
        '/conversations/{id}/takeover',
        '/conversations/{id}/messages',
        '/conversations/{id}/release',
        '/contacts/{id}',
        '/contacts/{id}/export',
        '/contacts/{id}/erase',
        '/indicators',
        '/tokens',
        '/webhooks',
        '/webhooks/deliveries',
        '/events',
      ]) {
        expect(paths[path]).toBeDefined();
      }
      expect(paths['/indicators']?.get?.['x-minimum-role']).toBe('supervisor');
      expect(paths['/requests']?.get?.parameters.map((p) => p.name)).toEqual(
        expect.arrayContaining([
          'type',
          'status',
          'authority',
          'commune',
          'channel',
          'from',
          'to',
          'q',
          'cursor',
          'limit',
        ]),
      );
      const status = res.body.paths['/requests/{id}/status'].post;
      expect(status.requestBody.content['application/json'].schema.properties.status.enum).toEqual([
        'received',
        'in_progress',
        'resolved',
        'rejected',
      ]);
    });
  });

  describe('requests', () => {
    it('lists with filters', async () => {
      const get = async (query: string) => {
        const res = await api().get(`/api/v1/requests?${query}`).set(bearer(agent.token));
        expect(res.status).toBe(200);
        return RequestPage.parse(res.body).items.map((r) => r.reference);
      };
      const [lamp, school] = seeded.references;
      const [dump] = sms.references;
      expect(await get('type=school_registration')).toEqual([school]);
      expect(await get('commune=verniere')).toEqual([lamp]);
      expect(await get('channel=sms')).toEqual([dump]);
      expect(await get('authority=cc-val-de-loue')).toEqual([dump]);
      expect(await get('q=tilleuls')).toEqual([lamp]);
      expect(await get(`q=${encodeURIComponent(lamp ?? '')}`)).toEqual([lamp]);
      expect(await get('status=received,in_progress&type=report_incident')).toEqual(
        expect.arrayContaining([lamp, dump]),
      );
      expect(await get('from=2000-01-01&to=2000-12-31')).toEqual([]);
      const future = new Date(Date.now() + 3600_000).toISOString();
      expect((await get(`to=${encodeURIComponent(future)}`)).length).toBeGreaterThanOrEqual(3);
    });

    it('paginates with a cursor, newest first, without repeating a row', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res = await api()
          .get(`/api/v1/requests?limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)
          .set(bearer(agent.token));
        const page = RequestPage.parse(res.body);
        seen.push(...page.items.map((r) => r.id));
        cursor = page.nextCursor;
      } while (cursor && seen.length < 50);
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen.length).toBeGreaterThanOrEqual(3);
      const all = RequestPage.parse(
        (await api().get('/api/v1/requests?limit=200').set(bearer(agent.token))).body,
      ).items.map((r) => r.id);
      expect(seen).toEqual(all);
    });

    it('answers 400 (never 500) on bad filters and cursors', async () => {
      for (const query of [
        'status=lost',
        'limit=0',
        'limit=abc',
        'from=yesterday',
        'cursor=%%%',
        'cursor=bm90LWEtY3Vyc29y',
      ]) {
        const res = await api().get(`/api/v1/requests?${query}`).set(bearer(agent.token));
        expect([query, res.status]).toEqual([query, 400]);
        expect(res.body.error.code).toBe('BAD_REQUEST');
      }
    });

    it('reads one request with its history and conversation, by id or reference', async () => {
      const [lamp] = seeded.references;
      const byRef = await api().get(`/api/v1/requests/${lamp}`).set(bearer(agent.token));
      expect(byRef.status).toBe(200);
      const detail = RequestDetailViewSchema.parse(byRef.body);
      expect(detail.events).toEqual([expect.objectContaining({ status: 'received', actor: 'bot' })]);
      expect(detail.conversation).toMatchObject({ id: seeded.conversationId, channel: 'webchat' });
      const byId = await api().get(`/api/v1/requests/${detail.id}`).set(bearer(agent.token));
      expect(byId.body.reference).toBe(lamp);
      expect((await api().get('/api/v1/requests/DEM-1999-000001').set(bearer(agent.token))).status).toBe(404);
      expect((await api().get('/api/v1/requests/not-an-id').set(bearer(agent.token))).status).toBe(404);
    });

    it('changes a status with a note: an event, the citizen notified and a webhook event, in one transaction', async () => {
      const [dump] = sms.references;
      const res = await api()
        .post(`/api/v1/requests/${dump}/status`)
        .set(bearer(agent.token))
        .send({ status: 'in_progress', note: 'Équipe prévue jeudi' });
      expect(res.status).toBe(200);
      const detail = RequestDetailViewSchema.parse(res.body);
      expect(detail.status).toBe('in_progress');
      expect(detail.events.at(-1)).toMatchObject({
        status: 'in_progress',
        note: 'Équipe prévue jeudi',
        actor: `agent:${agent.agentId}`,
      });
      const outbox = await rows<{ kind: string; payload: Record<string, unknown> }>(
        container,
        `SELECT kind, payload FROM outbox WHERE payload ->> 'requestId' = $1 OR (kind = 'notification' AND payload ->> 'conversationId' = $2) ORDER BY id`,
        [detail.id, sms.conversationId],
      );
      expect(outbox).toEqual([
        {
          kind: 'notification',
          payload: expect.objectContaining({
            channel: 'sms',
            to: '+33698765432',
            text: expect.stringMatching(new RegExp(`${dump}.*en cours de traitement.*Équipe prévue jeudi`)),
          }),
        },
        {
          kind: 'request.status_changed',
          payload: expect.objectContaining({ reference: dump, from: 'received', to: 'in_progress' }),
        },
      ]);
      const transcript = await rows<{ text: string }>(
        container,
        `SELECT text FROM messages WHERE conversation_id = $1 ORDER BY id DESC LIMIT 1`,
        [sms.conversationId],
      );
      expect(transcript[0]?.text).toContain('Équipe prévue jeudi');
    });

    it('tells the citizens who follow the report (duplicate reports) on their own channel, unless they said STOP', async () => {
      const reporter = await seedConversation(container, {
        tenantId: DEMO_TENANT,
        requests: [
          {
            type: 'report_incident',
            authorityId: 'commune-verniere',
            communeId: 'verniere',
            payload: incidentPayload('voirie', 'Nid de poule rue Haute'),
            location: { lat: 47.11, lon: 5.91 },
          },
        ],
      });
      const [pothole] = reporter.references;
      const request = await container.store.getRequestByReference(DEMO_TENANT, pothole!);
      const follower = await seedConversation(container, { tenantId: DEMO_TENANT, channel: 'sms' });
      const silent = await seedConversation(container, { tenantId: DEMO_TENANT, channel: 'whatsapp' });
      for (const f of [follower, silent])
        await container.store.commitTurn({
          tenantId: DEMO_TENANT,
          conversationId: f.conversationId,
          messages: [],
          requests: [],
          outbox: [],
          follows: [{ requestId: request!.id, contactId: f.contactId }],
        });
      await container.store.setContactOptOut(DEMO_TENANT, silent.contactId, true);

      const res = await api()
        .post(`/api/v1/requests/${pothole}/status`)
        .set(bearer(agent.token))
        .send({ status: 'in_progress', note: 'Rebouchage lundi' });
      expect(res.status).toBe(200);
      const sent = await rows<{ payload: Record<string, unknown> }>(
        container,
        `SELECT payload FROM outbox WHERE kind = 'notification' AND payload ->> 'conversationId' = ANY($1::text[]) ORDER BY id`,
        [[follower.conversationId, silent.conversationId]],
      );
      expect(sent).toEqual([
        {
          payload: expect.objectContaining({
            channel: 'sms',
            to: follower.address,
            text: expect.stringMatching(
              new RegExp(
                `Le signalement ${pothole} que vous suivez est maintenant : en cours de traitement.*Rebouchage lundi`,
              ),
            ),
          }),
        },
      ]);
      // Both transcripts say what the citizen was (or, after STOP, would have been) told.
      for (const f of [follower, silent]) {
        const last = await rows<{ text: string }>(
          container,
          'SELECT text FROM messages WHERE conversation_id = $1 ORDER BY id DESC LIMIT 1',
          [f.conversationId],
        );
        expect(last[0]?.text).toContain(`Le signalement ${pothole} que vous suivez`);
      }
    });

    it('records resolution time and refuses a status change that changes nothing', async () => {
      const [lamp] = seeded.references;
      const resolved = await api()
        .post(`/api/v1/requests/${lamp}/status`)
        .set(bearer(agent.token))
        .send({ status: 'resolved' });
      expect(resolved.status).toBe(200);
      expect(resolved.body.resolvedAt).toEqual(expect.any(String));
      const again = await api()
        .post(`/api/v1/requests/${lamp}/status`)
        .set(bearer(agent.token))
        .send({ status: 'resolved' });
      expect(again.status).toBe(409);
      const bad = await api()
        .post(`/api/v1/requests/${lamp}/status`)
        .set(bearer(agent.token))
        .send({ status: 'done', extra: 1 });
      expect(bad.status).toBe(400);
      const notJson = await api()
        .post(`/api/v1/requests/${lamp}/status`)
        .set(bearer(agent.token))
        .set('Content-Type', 'application/json')
        .send('{"status":');
      expect(notJson.status).toBe(400);
    });

    it('assigns and unassigns, with the timeline and the audit log saying who', async () => {
      const [, school] = seeded.references;
      const res = await api()
        .post(`/api/v1/requests/${school}/assign`)
        .set(bearer(agent.token))
        .send({ agentId: agent.agentId });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ assignedAgentId: agent.agentId, assignedTo: 'Marie', teamId: null });
      // Who handles it is internal: an event of the timeline that is never published.
      expect(res.body.events.at(-1)).toMatchObject({
        kind: 'assignment',
        public: false,
        actor: `agent:${agent.agentId}`,
        details: { teamId: null, agentId: agent.agentId },
      });
      const audit = await rows(
        container,
        `SELECT actor, details FROM audit_log WHERE action = 'request.assign' AND target_id = $1`,
        [res.body.id],
      );
      expect(audit).toEqual([
        { actor: `agent:${agent.agentId}`, details: { teamId: null, agentId: agent.agentId } },
      ]);
      const filtered = await api()
        .get(`/api/v1/requests?assignedTo=${agent.agentId}`)
        .set(bearer(agent.token));
      expect(filtered.body.items.map((r: { reference: string }) => r.reference)).toEqual([school]);
      const unassigned = await api()
        .post(`/api/v1/requests/${school}/assign`)
        .set(bearer(agent.token))
        .send({ agentId: null });
      expect(unassigned.body.assignedTo).toBeNull();
      const stranger = await api()
        .post(`/api/v1/requests/${school}/assign`)
        .set(bearer(agent.token))
        .send({ agentId: 'no-such-agent' });
      expect(stranger.status).toBe(400);
    });
  });

  describe('conversations', () => {
    it('lists by state: the queue holds the conversations waiting for an agent', async () => {
      const queue = ConversationPage.parse(
        (await api().get('/api/v1/conversations?state=queue').set(bearer(agent.token))).body,
      );
      expect(queue.items.map((c) => c.id)).toContain(sms.conversationId);
      expect(queue.items.every((c) => c.owner === 'queue' && c.status === 'open')).toBe(true);
      const bot = ConversationPage.parse(
        (await api().get('/api/v1/conversations?state=bot').set(bearer(agent.token))).body,
      );
      expect(bot.items.map((c) => c.id)).toContain(seeded.conversationId);
      expect((await api().get('/api/v1/conversations?state=sleeping').set(bearer(agent.token))).status).toBe(
        400,
      );
    });

    it('reads a conversation with its transcript and requests', async () => {
      const res = await api().get(`/api/v1/conversations/${seeded.conversationId}`).set(bearer(agent.token));
      const detail = ConversationDetailViewSchema.parse(res.body);
      // The citizen's message, the bot's answer, the notice of the status change made above and, the request
      // being resolved, the satisfaction question (its own message on the web chat: buttons).
      expect(detail.messages.map((m) => m.direction)).toEqual(['in', 'out', 'out', 'out']);
      expect(detail.messages[2]?.text).toMatch(/est maintenant : résolue/);
      expect(detail.messages[3]?.payload).toMatchObject({ type: 'choices', text: /Êtes-vous satisfait/ });
      expect(detail.requests.map((r) => r.reference).sort()).toEqual([...seeded.references].sort());
    });

    it('takes over a web chat conversation, writes to the citizen live, releases it', async () => {
      const web = await seedConversation(container, { tenantId: DEMO_TENANT, owner: 'queue' });
      const pushes = await record(container, `webchat:${DEMO_TENANT}:${web.address}`);
      const agents = await record(container, `agents:${DEMO_TENANT}`);
      try {
        const taken = await api()
          .post(`/api/v1/conversations/${web.conversationId}/takeover`)
          .set(bearer(agent.token));
        expect(taken.status).toBe(200);
        expect(taken.body).toMatchObject({ owner: 'agent', agentId: agent.agentId });
        const sent = await api()
          .post(`/api/v1/conversations/${web.conversationId}/messages`)
          .set(bearer(agent.token))
          .send({ text: 'Bonjour, je regarde votre dossier.' });
        expect(sent.status).toBe(201);
        await eventually(() => (pushes.events.length >= 2 ? true : undefined), 'two pushes');
        const replies = pushes.events.map(
          (e) => (e as { replies: { state: string; text: string }[] }).replies[0],
        );
        expect(replies).toEqual([
          // Her first name, so the citizen knows who answers (a surname or an id never leaves the back office).
          expect.objectContaining({
            state: 'agent_joined',
            text: 'L’agent Marie a rejoint la conversation et va vous répondre.',
          }),
          expect.objectContaining({ state: 'agent_message', text: 'Bonjour, je regarde votre dossier.' }),
        ]);
        // The citizen writes: the bot stays silent and the agents see the message.
        const turn = await container.engine.handleTurn({
          tenantId: DEMO_TENANT,
          channel: 'webchat',
          address: web.address,
          text: 'Merci ! C’est pour le lampadaire.',
        });
        expect(turn).toMatchObject({ forwardedToAgent: true, replies: [] });
        await eventually(
          () =>
            agents.events.find(
              (e) => (e as { type: string; text?: string }).text === 'Merci ! C’est pour le lampadaire.',
            ),
          'the citizen message on the agents topic',
        );
        const released = await api()
          .post(`/api/v1/conversations/${web.conversationId}/release`)
          .set(bearer(agent.token));
        expect(released.body).toMatchObject({ owner: 'bot', agentId: null });
        await eventually(() => (pushes.events.length >= 3 ? true : undefined), 'the release notice');
        expect(JSON.stringify(pushes.events[2])).toMatch(/assistant automatique/);
        const detail = ConversationDetailViewSchema.parse(
          (await api().get(`/api/v1/conversations/${web.conversationId}`).set(bearer(agent.token))).body,
        );
        expect(detail.messages.map((m) => [m.direction, m.agentId !== null])).toEqual([
          ['in', false],
          ['out', false],
          ['out', false],
          ['agent', true],
          ['in', false],
          ['out', false],
          // The satisfaction question, after the release notice.
          ['out', false],
        ]);
        expect(detail.messages.at(-1)?.text).toMatch(/^Êtes-vous satisfait\(e\) \?/);
        expect(detail.firstAgentReplyAt).toEqual(expect.any(String));
        expect(
          agents.events.map((e) => (e as { type: string; change?: string }).change).filter(Boolean),
        ).toEqual(['takeover', 'release']);
        // Back with the bot: it answers again.
        const after = await container.engine.handleTurn({
          tenantId: DEMO_TENANT,
          channel: 'webchat',
          address: web.address,
          text: 'bonjour',
        });
        expect(after.replies.length).toBeGreaterThan(0);
      } finally {
        await pushes.stop();
        await agents.stop();
      }
    });

    it('sends an agent message to an SMS citizen through the outbox', async () => {
      expect(
        (await api().post(`/api/v1/conversations/${sms.conversationId}/takeover`).set(bearer(agent.token)))
          .status,
      ).toBe(200);
      const sent = await api()
        .post(`/api/v1/conversations/${sms.conversationId}/messages`)
        .set(bearer(agent.token))
        .send({ text: 'Nous passons demain.' });
      expect(sent.status).toBe(201);
      const outbox = await rows<{ payload: Record<string, unknown> }>(
        container,
        `SELECT payload FROM outbox WHERE kind = 'notification' AND payload ->> 'conversationId' = $1 ORDER BY id DESC LIMIT 1`,
        [sms.conversationId],
      );
      expect(outbox[0]?.payload).toMatchObject({
        channel: 'sms',
        to: '+33698765432',
        text: 'Nous passons demain.',
      });
    });

    it('refuses what the state does not allow', async () => {
      const other = await issueToken(container, { role: 'agent', tenantId: DEMO_TENANT, name: 'Paul' });
      // Held by Marie: Paul can neither take it nor write in it.
      expect(
        (await api().post(`/api/v1/conversations/${sms.conversationId}/takeover`).set(bearer(other.token)))
          .status,
      ).toBe(409);
      expect(
        (
          await api()
            .post(`/api/v1/conversations/${sms.conversationId}/messages`)
            .set(bearer(other.token))
            .send({ text: 'hello' })
        ).status,
      ).toBe(409);
      // A supervisor may step in.
      expect(
        (
          await api()
            .post(`/api/v1/conversations/${sms.conversationId}/takeover`)
            .set(bearer(supervisor.token))
            .send({ force: true })
        ).status,
      ).toBe(200);
      // Writing before taking over, and empty messages, are refused.
      const fresh = await seedConversation(container, { tenantId: DEMO_TENANT });
      expect(
        (
          await api()
            .post(`/api/v1/conversations/${fresh.conversationId}/messages`)
            .set(bearer(agent.token))
            .send({ text: 'x' })
        ).status,
      ).toBe(409);
      expect(
        (
          await api()
            .post(`/api/v1/conversations/${fresh.conversationId}/messages`)
            .set(bearer(agent.token))
            .send({ text: '   ' })
        ).status,
      ).toBe(400);
      expect(
        (
          await api()
            .post('/api/v1/conversations/00000000-0000-4000-8000-000000000000/takeover')
            .set(bearer(agent.token))
        ).status,
      ).toBe(404);
    });
  });

  describe('contacts (RGPD)', () => {
    it('reads a contact with identities, conversations and requests, and exports everything', async () => {
      const res = await api().get(`/api/v1/contacts/${seeded.contactId}`).set(bearer(agent.token));
      const contact = ContactViewSchema.parse(res.body);
      expect(contact.identities).toEqual([
        expect.objectContaining({ channel: 'webchat', address: seeded.address }),
      ]);
      expect(contact.requests).toHaveLength(2);
      expect(
        (await api().get(`/api/v1/contacts/${seeded.contactId}/export`).set(bearer(agent.token))).status,
      ).toBe(403);
      const exported = await api()
        .get(`/api/v1/contacts/${seeded.contactId}/export`)
        .set(bearer(supervisor.token));
      expect(exported.headers['content-disposition']).toMatch(/attachment/);
      const data = ContactExportSchema.parse(exported.body);
      expect(data.conversations[0]?.messages.map((m) => m.text)).toContain(
        'Bonjour, un lampadaire est en panne',
      );
      expect(data.requests.flatMap((r) => r.events).length).toBeGreaterThanOrEqual(2);
    });

    it('erases: transcripts, identities, personal payload fields and conversation state are gone; requests stay', async () => {
      const victim = await seedConversation(container, {
        tenantId: DEMO_TENANT,
        channel: 'sms',
        address: '+33611223344',
        text: 'Je m’appelle Jeanne Dupont, 06 11 22 33 44',
        requests: [
          {
            type: 'report_incident',
            authorityId: 'commune-verniere',
            communeId: 'verniere',
            payload: incidentPayload('voirie', 'Trou devant chez moi, appelez le 06 11 22 33 44', {
              contact: { kind: 'phone', value: '+33611223344' },
              photo: { url: 'https://example.org/p.jpg' },
            }),
            location: { lat: 47.2, lon: 5.8 },
          },
          {
            type: 'school_registration',
            authorityId: 'commune-verniere',
            communeId: 'verniere',
            payload: {
              child: { firstName: 'Tom', lastName: 'Dupont', birthDate: '2020-01-01' },
              level: { id: 'ms', label: 'Moyenne section', cycle: 'maternelle' },
              address: { text: '1 rue Haute' },
              parentContact: { kind: 'phone', value: '+33611223344' },
              documents: ['Livret'],
            },
          },
        ],
      });
      await container.state.set(`conv:${victim.conversationId}`, { locale: 'fr', form: null }, 0, 3600);
      await rows(
        container,
        `INSERT INTO outbox (tenant_id, kind, payload, dedupe_key) VALUES ($1, 'notification', $2::jsonb, $3)`,
        [
          DEMO_TENANT,
          JSON.stringify({
            tenantId: DEMO_TENANT,
            channel: 'sms',
            to: '+33611223344',
            text: 'Votre demande…',
          }),
          `test:${victim.conversationId}`,
        ],
      );
      expect(
        (await api().post(`/api/v1/contacts/${victim.contactId}/erase`).set(bearer(agent.token))).status,
      ).toBe(403);
      const res = await api()
        .post(`/api/v1/contacts/${victim.contactId}/erase`)
        .set(bearer(supervisor.token));
      expect(res.status).toBe(200);
      expect(ErasureResultSchema.parse(res.body)).toMatchObject({
        messagesDeleted: 2,
        identitiesDeleted: 1,
        requestsAnonymised: 2,
      });

      expect(
        await rows(container, 'SELECT 1 FROM messages WHERE conversation_id = $1', [victim.conversationId]),
      ).toEqual([]);
      expect(
        await rows(container, 'SELECT 1 FROM contact_identities WHERE contact_id = $1', [victim.contactId]),
      ).toEqual([]);
      expect(await container.state.get(`conv:${victim.conversationId}`)).toBeNull();
      expect(
        await rows(container, `SELECT 1 FROM outbox WHERE dedupe_key = $1`, [
          `test:${victim.conversationId}`,
        ]),
      ).toEqual([]);
      const conv = await rows<{ address: string; status: string }>(
        container,
        'SELECT address, status FROM conversations WHERE id = $1',
        [victim.conversationId],
      );
      expect(conv[0]).toEqual({ address: `erased:${victim.conversationId}`, status: 'closed' });
      const requests = await rows<{
        reference: string;
        type: string;
        payload: Record<string, unknown>;
        lat: number | null;
        address_text: string | null;
      }>(
        container,
        'SELECT reference, type, payload, lat, address_text FROM requests WHERE contact_id = $1 ORDER BY type',
        [victim.contactId],
      );
      expect(requests.map((r) => r.reference).sort()).toEqual([...victim.references].sort());
      const [incident, school] = requests;
      expect(incident?.payload).toEqual({
        category: 'voirie',
        geocoding: 'ok',
        anonymised: true,
      });
      expect(incident?.lat).not.toBeNull();
      expect(school?.payload).toEqual({
        level: { id: 'ms', label: 'Moyenne section', cycle: 'maternelle' },
        documents: ['Livret'],
        anonymised: true,
      });
      expect(JSON.stringify(requests)).not.toMatch(/Dupont|Tom|Jeanne|33611223344|Haute/);
      const contact = ContactViewSchema.parse(
        (await api().get(`/api/v1/contacts/${victim.contactId}`).set(bearer(agent.token))).body,
      );
      expect(contact.erasedAt).toEqual(expect.any(String));
      expect(contact.identities).toEqual([]);
      const audit = await rows(container, `SELECT action FROM audit_log WHERE target_id = $1 ORDER BY id`, [
        victim.contactId,
      ]);
      // The erasure, then the agent's read of what is left (every read of a contact is audited).
      expect(audit).toEqual([{ action: 'contact.erase' }, { action: 'contact.read' }]);
    });
  });

  describe('indicators', () => {
    it('counts requests per type, channel, commune and week, with timings and bot rates', async () => {
      await container.engine.handleTurn({
        tenantId: DEMO_TENANT,
        channel: 'webchat',
        address: `wc_ind${uniqueSuffix().replace(/_/g, '')}`,
        text: 'bonjour',
      });
      const from = new Date(Date.now() - 86400_000).toISOString();
      const to = new Date(Date.now() + 86400_000).toISOString();
      const res = await api()
        .get(`/api/v1/indicators?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`)
        .set(bearer(supervisor.token));
      expect(res.status).toBe(200);
      const ind = IndicatorsViewSchema.parse(res.body);
      const count = (list: { key: string; count: number }[], key: string) =>
        list.find((x) => x.key === key)?.count ?? 0;
      expect(ind.requests.total).toBeGreaterThanOrEqual(5);
      expect(count(ind.requests.byType, 'report_incident')).toBeGreaterThanOrEqual(3);
      expect(count(ind.requests.byChannel, 'sms')).toBeGreaterThanOrEqual(2);
      expect(count(ind.requests.byCommune, 'verniere')).toBeGreaterThanOrEqual(2);
      expect(ind.requests.byWeek.reduce((n, w) => n + w.count, 0)).toBe(ind.requests.total);
      expect(ind.requests.byWeek[0]?.key).toMatch(/^\d{4}-W\d{2}$/);
      expect(ind.requests.medianFirstResponseSeconds).toEqual(expect.any(Number));
      expect(ind.requests.medianResolutionSeconds).toEqual(expect.any(Number));
      expect(ind.conversations.total).toBeGreaterThanOrEqual(4);
      expect(ind.conversations.handoverRate).toBeGreaterThan(0);
      expect((ind.conversations.containmentRate ?? 0) + (ind.conversations.handoverRate ?? 0)).toBeCloseTo(1);
      expect(ind.conversations.botTurns).toBeGreaterThanOrEqual(1);
      expect(
        (await api().get('/api/v1/indicators?from=2026-02-01&to=2026-01-01').set(bearer(supervisor.token)))
          .status,
      ).toBe(400);
      // The same definitions are readable by BI tools.
      const weekly = await rows(container, 'SELECT * FROM bi_requests_weekly WHERE tenant_id = $1', [
        DEMO_TENANT,
      ]);
      expect(weekly.length).toBeGreaterThan(0);
      const rates = await rows<{ conversations: number }>(
        container,
        'SELECT conversations FROM bi_conversations_weekly WHERE tenant_id = $1',
        [DEMO_TENANT],
      );
      expect(rates.reduce((n, r) => n + Number(r.conversations), 0)).toBe(ind.conversations.total);
    });
  });

  describe('webhooks', () => {
    it('registers a URL per event (admins), lists it without its secret, deletes it', async () => {
      const created = await api()
        .post('/api/v1/webhooks')
        .set(bearer(ADMIN_TOKEN))
        .send({
          tenantId: DEMO_TENANT,
          url: 'https://crm.example.org/hooks/guichet',
          events: ['request.created', 'conversation.handover'],
        });
      expect(created.status).toBe(201);
      expect(created.body.secret).toEqual(expect.any(String));
      expect(
        (
          await api()
            .post('/api/v1/webhooks')
            .set(bearer(supervisor.token))
            .send({ url: 'https://x.example.org', events: ['request.created'] })
        ).status,
      ).toBe(403);
      const bad = await api()
        .post('/api/v1/webhooks')
        .set(bearer(ADMIN_TOKEN))
        .send({ tenantId: DEMO_TENANT, url: 'ftp://x.example.org', events: ['request.created'] });
      expect(bad.status).toBe(400);
      const list = await api().get('/api/v1/webhooks').set(bearer(supervisor.token));
      expect(list.body.items.map((w: { id: string }) => w.id)).toContain(created.body.id);
      expect(JSON.stringify(list.body)).not.toContain(created.body.secret);
      expect(
        (
          await api()
            .delete(`/api/v1/webhooks/${created.body.id}?tenant=${DEMO_TENANT}`)
            .set(bearer(ADMIN_TOKEN))
        ).status,
      ).toBe(200);
      expect(
        (
          await api()
            .delete(`/api/v1/webhooks/${created.body.id}?tenant=${DEMO_TENANT}`)
            .set(bearer(ADMIN_TOKEN))
        ).status,
      ).toBe(404);
    });
  });

  describe('live events', () => {
    it('streams the agents topic as Server-Sent Events', async () => {
      const { listen, closeServer } = await import('./support');
      const { server, base } = await listen(container);
      const controller = new AbortController();
      try {
        const res = await fetch(`${base}/api/v1/events`, {
          headers: bearer(agent.token),
          signal: controller.signal,
        });
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
        const reader = res.body!.getReader();
        let text = '';
        const readUntil = async (pattern: RegExp) => {
          while (!pattern.test(text)) {
            const chunk = await reader.read();
            if (chunk.done) throw new Error(`stream ended: ${text}`);
            text += new TextDecoder().decode(chunk.value);
          }
        };
        await readUntil(/event: ready/);
        await container.bus.publish(`agents:${DEMO_TENANT}`, {
          type: 'message',
          tenantId: DEMO_TENANT,
          conversationId: 'c1',
          channel: 'sms',
          owner: 'queue',
          direction: 'in',
          text: 'Allô ?',
          at: new Date().toISOString(),
        } as JsonValue);
        await readUntil(/event: message\ndata: .*Allô/);
      } finally {
        controller.abort();
        await closeServer(server);
      }
    });
  });
}

describe('back-office API on PGlite', () => {
  apiSuite(() => backofficeContainer());
});

describeWith('postgres', 'back-office API on PostgreSQL', () => {
  const schema = `bo_api_${uniqueSuffix()}`;
  apiSuite(() => backofficeContainer({ DATABASE_URL: databaseUrl() }, { databaseSchema: schema }));
  afterAll(async () => {
    const { Client } = await import('pg');
    const admin = new Client({ connectionString: databaseUrl() });
    await admin.connect();
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).finally(() => admin.end());
  });
});
