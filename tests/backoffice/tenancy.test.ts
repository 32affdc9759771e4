// Tenant isolation, route by route: a token of tenant A gets 404 on every object of tenant B (never 403,
// which would confirm it exists), lists never show B's rows, and an authority-scoped token sees its own
// authority's requests only. The routes with an {id} come from the OpenAPI document, so a new route
// without an isolation check here fails this suite.
import request from 'supertest';
import type { Container } from '../../server/container';
import { DEMO_TENANT } from '../support/harness';
import {
  ADMIN_TOKEN,
  OTHER_TENANT,
  backofficeContainer,
  bearer,
  incidentPayload,
  issueToken,
  rows,
  seedConversation,
  CONTAINER_TIMEOUT_MS,
} from './support';

describe('tenant isolation', () => {
  let container: Container;
  const tokens: Record<'agent' | 'supervisor' | 'admin', string> = { agent: '', supervisor: '', admin: '' };
  let foreign: Awaited<ReturnType<typeof seedConversation>>;
  let foreignRequestId: string;
  let foreignWebhookId: string;
  let foreignSavedReplyId: string;
  let foreignTokenId: string;
  let foreignAgentId: string;
  let foreignTeamId: string;
  let foreignRuleId: string;
  let foreignCallbackId: string;
  let foreignSavedFilterId: string;
  let foreignInterventionId: string;

  const api = () => request(container.app);

  beforeAll(async () => {
    container = await backofficeContainer();
    for (const role of ['agent', 'supervisor', 'admin'] as const)
      tokens[role] = (await issueToken(container, { role, tenantId: DEMO_TENANT })).token;
    foreign = await seedConversation(container, {
      tenantId: OTHER_TENANT,
      channel: 'sms',
      address: '+594694000001',
      owner: 'queue',
      requests: [
        {
          type: 'report_incident',
          authorityId: 'commune-pointe-aux-herons',
          payload: incidentPayload('voirie', 'Nid-de-poule avenue des Palmistes'),
        },
      ],
    });
    const [row] = await rows<{ id: string }>(container, 'SELECT id FROM requests WHERE reference = $1', [
      foreign.references[0],
    ]);
    foreignRequestId = row?.id ?? '';
    const webhook = await api()
      .post('/api/v1/webhooks')
      .set(bearer(ADMIN_TOKEN))
      .send({ tenantId: OTHER_TENANT, url: 'https://autre.example.org/hook', events: ['request.created'] });
    foreignWebhookId = webhook.body.id;
    foreignTokenId = (await issueToken(container, { role: 'agent', tenantId: OTHER_TENANT })).id;
    const foreignAgent = (await issueToken(container, { role: 'supervisor', tenantId: OTHER_TENANT })).token;
    foreignSavedFilterId = (
      await api()
        .post('/api/v1/saved-filters')
        .set(bearer(foreignAgent))
        .send({ name: 'Ailleurs', filter: {}, shared: true })
    ).body.id;
    const invited = await request(container.app)
      .post('/api/v1/agents')
      .set(bearer(ADMIN_TOKEN))
      .send({ tenantId: OTHER_TENANT, name: 'Agent Autre', email: 'agent@autre.example.org', role: 'agent' });
    foreignAgentId = invited.body.agent.id;
    const team = await api()
      .post('/api/v1/teams')
      .set(bearer(ADMIN_TOKEN))
      .send({ tenantId: OTHER_TENANT, name: 'Voirie' });
    foreignTeamId = team.body.id;
    const rule = await api()
      .post('/api/v1/routing-rules')
      .set(bearer(ADMIN_TOKEN))
      .send({ tenantId: OTHER_TENANT, requestType: 'report_incident', teamId: foreignTeamId });
    foreignRuleId = rule.body.id;
    const reply = await api()
      .post(`/api/v1/saved-replies?tenant=${OTHER_TENANT}`)
      .set(bearer(ADMIN_TOKEN))
      .send({ title: 'Travaux', body: 'Votre demande {reference} avance.' });
    foreignSavedReplyId = reply.body.id;
    const callbacks = container.backoffice.stores.callbacks;
    await callbacks.recordCallback({
      tenantId: OTHER_TENANT,
      conversationId: foreign.conversationId,
      promiseKey: `handover:${foreign.conversationId}:tenancy`,
      phone: '+594694000001',
      question: null,
      promisedBy: new Date(),
    });
    foreignCallbackId =
      (await callbacks.listCallbacks({ tenantId: OTHER_TENANT, authorityId: null }, { limit: 1 }))[0]?.id ??
      '';
    // Written directly: planning it through the API would move the foreign request, which must stay as it is.
    const [intervention] = await rows<{ id: string }>(
      container,
      `INSERT INTO interventions (tenant_id, request_id, team_id, what, created_by)
       VALUES ($1, $2, $3, 'Reboucher', 'admin') RETURNING id`,
      [OTHER_TENANT, foreignRequestId, foreignTeamId],
    );
    foreignInterventionId = intervention?.id ?? '';
  }, CONTAINER_TIMEOUT_MS);
  afterAll(() => container.close());

  it('the fixture tenant really exists with its data (the 404s below are not vacuous)', async () => {
    expect(foreignRequestId).toMatch(/^[0-9a-f-]{36}$/);
    expect((await api().get(`/api/v1/requests/${foreignRequestId}`).set(bearer(ADMIN_TOKEN))).status).toBe(
      200,
    );
    expect(
      (await api().get(`/api/v1/conversations/${foreign.conversationId}`).set(bearer(ADMIN_TOKEN))).status,
    ).toBe(200);
    expect((await api().get(`/api/v1/contacts/${foreign.contactId}`).set(bearer(ADMIN_TOKEN))).status).toBe(
      200,
    );
  });

  it('answers 404 on every object route of another tenant, for every role', async () => {
    const calls: Record<string, (token: string) => request.Test> = {
      'get /requests/{id}': (t) => api().get(`/api/v1/requests/${foreignRequestId}`).set(bearer(t)),
      'get /requests/{id}/timeline': (t) =>
        api().get(`/api/v1/requests/${foreignRequestId}/timeline`).set(bearer(t)),
      'get /requests/{id}/contact': (t) =>
        api().get(`/api/v1/requests/${foreignRequestId}/contact`).set(bearer(t)),
      'post /requests/{id}/notes': (t) =>
        api().post(`/api/v1/requests/${foreignRequestId}/notes`).set(bearer(t)).send({ text: 'x' }),
      'post /requests/{id}/replies': (t) =>
        api().post(`/api/v1/requests/${foreignRequestId}/replies`).set(bearer(t)).send({ text: 'x' }),
      'post /saved-replies/{id}': (t) =>
        api()
          .post(`/api/v1/saved-replies/${foreignSavedReplyId}`)
          .set(bearer(t))
          .send({ title: 'T', body: 'B' }),
      'delete /saved-replies/{id}': (t) =>
        api().delete(`/api/v1/saved-replies/${foreignSavedReplyId}`).set(bearer(t)),
      'post /requests/{id}/status': (t) =>
        api()
          .post(`/api/v1/requests/${foreignRequestId}/status`)
          .set(bearer(t))
          .send({ status: 'resolved', note: 'x' }),
      'post /requests/{id}/public-description': (t) =>
        api()
          .post(`/api/v1/requests/${foreignRequestId}/public-description`)
          .set(bearer(t))
          .send({ text: 'Lampadaire éteint' }),
      'post /requests/{id}/transfer': (t) =>
        api()
          .post(`/api/v1/requests/${foreignRequestId}/transfer`)
          .set(bearer(t))
          .send({ authorityId: 'commune-verniere', reason: 'Compétence de la commune' }),
      'post /requests/{id}/assign': (t) =>
        api().post(`/api/v1/requests/${foreignRequestId}/assign`).set(bearer(t)).send({ agentId: null }),
      'get /conversations/{id}': (t) =>
        api().get(`/api/v1/conversations/${foreign.conversationId}`).set(bearer(t)),
      'post /conversations/{id}/takeover': (t) =>
        api().post(`/api/v1/conversations/${foreign.conversationId}/takeover`).set(bearer(t)),
      'post /conversations/{id}/messages': (t) =>
        api()
          .post(`/api/v1/conversations/${foreign.conversationId}/messages`)
          .set(bearer(t))
          .send({ text: 'coucou' }),
      'post /conversations/{id}/sms': (t) =>
        api()
          .post(`/api/v1/conversations/${foreign.conversationId}/sms`)
          .set(bearer(t))
          .send({ text: 'Bonjour' }),
      'post /conversations/{id}/release': (t) =>
        api().post(`/api/v1/conversations/${foreign.conversationId}/release`).set(bearer(t)),
      'get /contacts/{id}': (t) => api().get(`/api/v1/contacts/${foreign.contactId}`).set(bearer(t)),
      'get /contacts/{id}/export': (t) =>
        api().get(`/api/v1/contacts/${foreign.contactId}/export`).set(bearer(t)),
      'post /contacts/{id}/erase': (t) =>
        api().post(`/api/v1/contacts/${foreign.contactId}/erase`).set(bearer(t)),
      'post /callbacks/{id}/done': (t) =>
        api().post(`/api/v1/callbacks/${foreignCallbackId}/done`).set(bearer(t)).send({}),
      'post /callbacks/{id}/not-reached': (t) =>
        api().post(`/api/v1/callbacks/${foreignCallbackId}/not-reached`).set(bearer(t)).send({}),
      'delete /saved-filters/{id}': (t) =>
        api().delete(`/api/v1/saved-filters/${foreignSavedFilterId}`).set(bearer(t)),
      'delete /tokens/{id}': (t) => api().delete(`/api/v1/tokens/${foreignTokenId}`).set(bearer(t)),
      'delete /webhooks/{id}': (t) => api().delete(`/api/v1/webhooks/${foreignWebhookId}`).set(bearer(t)),
      'post /agents/{id}/disable': (t) =>
        api().post(`/api/v1/agents/${foreignAgentId}/disable`).set(bearer(t)),
      'post /agents/{id}/enable': (t) => api().post(`/api/v1/agents/${foreignAgentId}/enable`).set(bearer(t)),
      'post /agents/{id}/invitation': (t) =>
        api().post(`/api/v1/agents/${foreignAgentId}/invitation`).set(bearer(t)),
      'post /teams/{id}': (t) =>
        api().post(`/api/v1/teams/${foreignTeamId}`).set(bearer(t)).send({ name: 'Volée' }),
      'delete /teams/{id}': (t) => api().delete(`/api/v1/teams/${foreignTeamId}`).set(bearer(t)),
      'post /routing-rules/{id}/move': (t) =>
        api().post(`/api/v1/routing-rules/${foreignRuleId}/move`).set(bearer(t)).send({ by: 1 }),
      'delete /routing-rules/{id}': (t) =>
        api().delete(`/api/v1/routing-rules/${foreignRuleId}`).set(bearer(t)),
      'get /requests/{id}/interventions': (t) =>
        api().get(`/api/v1/requests/${foreignRequestId}/interventions`).set(bearer(t)),
      'post /requests/{id}/interventions': (t) =>
        api().post(`/api/v1/requests/${foreignRequestId}/interventions`).set(bearer(t)).send({ what: 'x' }),
      'post /interventions/{id}/status': (t) =>
        api()
          .post(`/api/v1/interventions/${foreignInterventionId}/status`)
          .set(bearer(t))
          .send({ status: 'done' }),
      'put /interventions/{id}/photos/{clientId}': (t) =>
        api()
          .put(`/api/v1/interventions/${foreignInterventionId}/photos/phone-1`)
          .set(bearer(t))
          .set('Content-Type', 'image/png')
          .send(Buffer.from('89504e470d0a1a0a0000', 'hex')),
      'get /interventions/{id}/photos/{photoId}': (t) =>
        api()
          .get(`/api/v1/interventions/${foreignInterventionId}/photos/00000000-0000-4000-8000-000000000000`)
          .set(bearer(t)),
      'get /requests/{id}/photos': (t) =>
        api().get(`/api/v1/requests/${foreignRequestId}/photos`).set(bearer(t)),
      'get /requests/{id}/photos/{photoId}': (t) =>
        api()
          .get(`/api/v1/requests/${foreignRequestId}/photos/${'A'.repeat(24)}`)
          .set(bearer(t)),
      'put /requests/{id}/photos/{photoId}/publication': (t) =>
        api()
          .put(`/api/v1/requests/${foreignRequestId}/photos/${'A'.repeat(24)}/publication`)
          .set(bearer(t))
          .send({ published: true }),
      'post /agents/{id}/role': (t) =>
        api().post(`/api/v1/agents/${foreignAgentId}/role`).set(bearer(t)).send({ role: 'admin' }),
    };
    const document = (await api().get('/api/v1/openapi.json')).body as {
      paths: Record<string, Record<string, { 'x-minimum-role': string }>>;
    };
    const objectRoutes = Object.entries(document.paths)
      .filter(([path]) => path.includes('{id}'))
      .flatMap(([path, methods]) =>
        Object.entries(methods).map(([method, op]) => ({
          key: `${method} ${path}`,
          role: op['x-minimum-role'],
        })),
      );
    expect(objectRoutes.map((r) => r.key).sort()).toEqual(Object.keys(calls).sort());

    const rank = { agent: 1, supervisor: 2, admin: 3 } as const;
    for (const route of objectRoutes) {
      for (const role of ['agent', 'supervisor', 'admin'] as const) {
        if (rank[role] < rank[route.role as keyof typeof rank]) continue; // below the role: 403 before any lookup
        const res = await calls[route.key]!(tokens[role]);
        expect([route.key, role, res.status]).toEqual([route.key, role, 404]);
      }
    }
    // By reference too.
    expect(
      (await api().get(`/api/v1/requests/${foreign.references[0]}`).set(bearer(tokens.agent))).status,
    ).toBe(404);
    // Nothing changed on the other side.
    const [conv] = await rows<{ owner: string; address: string }>(
      container,
      'SELECT owner, address FROM conversations WHERE id = $1',
      [foreign.conversationId],
    );
    expect(conv).toEqual({ owner: 'queue', address: '+594694000001' });
    const [req] = await rows<{ status: string; assigned_to: string | null }>(
      container,
      'SELECT status, assigned_to FROM requests WHERE id = $1',
      [foreignRequestId],
    );
    expect(req).toEqual({ status: 'received', assigned_to: null });
    expect(
      await rows(container, 'SELECT status FROM interventions WHERE request_id = $1', [foreignRequestId]),
    ).toEqual([{ status: 'planned' }]);
    expect(
      await rows(
        container,
        'SELECT name FROM teams t JOIN routing_rules r ON r.team_id = t.id WHERE t.id = $1',
        [foreignTeamId],
      ),
    ).toEqual([{ name: 'Voirie' }]);
    expect(
      await rows(container, 'SELECT revoked_at FROM api_tokens WHERE id = $1 AND revoked_at IS NULL', [
        foreignTokenId,
      ]),
    ).toHaveLength(1);
  });

  it('never lists another tenant’s rows, and refuses to switch tenant', async () => {
    const t = bearer(tokens.admin);
    const requests = await api().get('/api/v1/requests?limit=200').set(t);
    expect(requests.body.items.every((r: { tenantId: string }) => r.tenantId === DEMO_TENANT)).toBe(true);
    const conversations = await api().get('/api/v1/conversations?state=queue&limit=200').set(t);
    expect(conversations.body.items.map((c: { id: string }) => c.id)).not.toContain(foreign.conversationId);
    const webhooks = await api().get('/api/v1/webhooks').set(t);
    expect(webhooks.body.items.map((w: { id: string }) => w.id)).not.toContain(foreignWebhookId);
    const tokenList = await api().get('/api/v1/tokens').set(t);
    expect(tokenList.body.items.map((x: { id: string }) => x.id)).not.toContain(foreignTokenId);
    const deliveries = await api()
      .get(`/api/v1/webhooks/deliveries?subscriptionId=${foreignWebhookId}`)
      .set(t);
    expect(deliveries.body.items).toEqual([]);
    for (const path of [
      '/requests',
      '/conversations',
      '/indicators',
      '/webhooks',
      '/tokens',
      '/events',
      '/webhooks/deliveries',
      '/territory/open-requests',
    ]) {
      const res = await api().get(`/api/v1${path}?tenant=${OTHER_TENANT}`).set(t);
      expect([path, res.status]).toEqual([path, 404]);
    }
    // A tenant administrator cannot issue tokens or webhooks for another tenant.
    expect(
      (await api().post('/api/v1/tokens').set(t).send({ role: 'admin', tenantId: OTHER_TENANT })).status,
    ).toBe(404);
    expect(
      (
        await api()
          .post('/api/v1/webhooks')
          .set(t)
          .send({ tenantId: OTHER_TENANT, url: 'https://x.example.org', events: ['request.created'] })
      ).status,
    ).toBe(404);
  });

  it('an authority-scoped token sees its authority’s requests only', async () => {
    const mine = await seedConversation(container, {
      tenantId: DEMO_TENANT,
      requests: [
        {
          type: 'report_incident',
          authorityId: 'commune-verniere',
          communeId: 'verniere',
          payload: incidentPayload('voirie', 'Trou rue Basse'),
        },
        {
          type: 'report_incident',
          authorityId: 'cc-val-de-loue',
          communeId: 'verniere',
          payload: incidentPayload('proprete', 'Poubelles renversées'),
        },
      ],
    });
    const scoped = await issueToken(container, {
      role: 'supervisor',
      tenantId: DEMO_TENANT,
      authorityId: 'commune-verniere',
    });
    const list = await api().get('/api/v1/requests?limit=200').set(bearer(scoped.token));
    expect(list.body.items.length).toBeGreaterThan(0);
    expect(list.body.items.every((r: { authorityId: string }) => r.authorityId === 'commune-verniere')).toBe(
      true,
    );
    expect((await api().get(`/api/v1/requests/${mine.references[1]}`).set(bearer(scoped.token))).status).toBe(
      404,
    );
    expect((await api().get(`/api/v1/requests/${mine.references[0]}`).set(bearer(scoped.token))).status).toBe(
      200,
    );
    expect(
      (
        await api()
          .post(`/api/v1/requests/${mine.references[1]}/status`)
          .set(bearer(scoped.token))
          .send({ status: 'resolved' })
      ).status,
    ).toBe(404);
    expect(
      (await api().get('/api/v1/indicators?authority=cc-val-de-loue').set(bearer(scoped.token))).status,
    ).toBe(404);
    const indicators = await api().get('/api/v1/indicators').set(bearer(scoped.token));
    expect(indicators.body.requests.byType.every((x: { key: string }) => x.key === 'report_incident')).toBe(
      true,
    );
  });

  it('Open311: a key of one territory reads and writes nothing of another', async () => {
    const agentKey = tokens.agent;
    const wrongJurisdiction = await api().get(
      `/open311/v2/requests.json?jurisdiction_id=${OTHER_TENANT}&api_key=${agentKey}`,
    );
    expect(wrongJurisdiction.status).toBe(403);
    expect(wrongJurisdiction.body).toEqual([
      { code: 403, description: expect.stringMatching(/jurisdiction/) },
    ]);
    const one = await api().get(`/open311/v2/requests/${foreign.references[0]}.json?api_key=${agentKey}`);
    expect(one.status).toBe(404);
    const post = await api().post('/open311/v2/requests.json').type('form').send({
      api_key: agentKey,
      jurisdiction_id: OTHER_TENANT,
      service_code: 'voirie',
      lat: '16.2',
      long: '-61.5',
      description: 'Test',
    });
    expect(post.status).toBe(403);
    const list = await api().get(`/open311/v2/requests.json?jurisdiction_id=${DEMO_TENANT}`);
    expect(list.body.map((r: { service_request_id: string }) => r.service_request_id)).not.toContain(
      foreign.references[0],
    );
  });
});
