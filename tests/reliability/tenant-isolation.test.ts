// Tenant isolation beyond the back-office API (tests/backoffice/tenancy.test.ts covers every /api/v1
// object route for every role): Open311 and the web chat never show one territory another's data.
import request from 'supertest';
import type { Container } from '../../server/container';
import {
  backofficeContainer,
  CONTAINER_TIMEOUT_MS,
  incidentPayload,
  issueToken,
  OTHER_TENANT,
  rows,
  seedConversation,
  type Seeded,
} from '../backoffice/support';
import { DEMO_TENANT } from '../support/harness';

let container: Container;
let foreign: Seeded;
let demoToken: string;

beforeAll(async () => {
  container = await backofficeContainer();
  foreign = await seedConversation(container, {
    tenantId: OTHER_TENANT,
    channel: 'sms',
    requests: [
      {
        type: 'report_incident',
        authorityId: 'commune-pointe-aux-herons',
        payload: incidentPayload('voirie', 'Trou devant le port'),
        location: { lat: 16.24, lon: -61.53 },
      },
    ],
  });
  demoToken = (await issueToken(container, { role: 'admin', tenantId: DEMO_TENANT })).token;
}, CONTAINER_TIMEOUT_MS);
afterAll(() => container.close());

const open311 = (path: string) => request(container.app).get(`/open311/v2${path}`);

describe('tenant isolation on Open311 and the web chat', () => {
  it('the other territory’s report is really there (the 404s below are not vacuous)', async () => {
    const res = await open311(
      `/requests/${foreign.references[0]}.json?jurisdiction_id=${OTHER_TENANT}`,
    ).expect(200);
    expect(res.body[0].service_request_id).toBe(foreign.references[0]);
  });

  it('does not show a report of another jurisdiction, by reference or in lists, with or without a key', async () => {
    const ref = foreign.references[0]!;
    expect((await open311(`/requests/${ref}.json?jurisdiction_id=${DEMO_TENANT}`)).status).toBe(404);
    expect(
      (await open311(`/requests/${ref}.json?jurisdiction_id=${DEMO_TENANT}&api_key=${demoToken}`)).status,
    ).toBe(404);
    const list = await open311(`/requests.json?jurisdiction_id=${DEMO_TENANT}&service_request_id=${ref}`);
    expect(list.status).toBe(200);
    expect(list.body).toEqual([]);
  });

  it('refuses a key of one territory for another jurisdiction', async () => {
    const res = await open311(`/requests.json?jurisdiction_id=${OTHER_TENANT}&api_key=${demoToken}`);
    expect(res.status).toBe(403);
    const post = await request(container.app).post('/open311/v2/requests.json').type('form').send({
      api_key: demoToken,
      jurisdiction_id: OTHER_TENANT,
      service_code: 'voirie',
      lat: '16.24',
      long: '-61.53',
      description: 'test',
    });
    expect(post.status).toBe(403);
    expect(
      await rows(container, 'SELECT id FROM requests WHERE tenant_id = $1', [OTHER_TENANT]),
    ).toHaveLength(1);
  });

  it('does not let a web chat token of one territory read a conversation through another territory’s key', async () => {
    const mine = await request(container.app)
      .post('/channels/webchat/messages')
      .send({ text: 'bonjour', tenant: 'demo' })
      .expect(200);
    const { conversationId, token } = mine.body as { conversationId: string; token: string };
    await request(container.app)
      .get(`/channels/webchat/conversations/${conversationId}/history?tenant=demo`)
      .set('X-Conversation-Token', token)
      .expect(200);
    await request(container.app)
      .get(`/channels/webchat/conversations/${conversationId}/history?tenant=autre`)
      .set('X-Conversation-Token', token)
      .expect(404);
    await request(container.app)
      .post('/channels/webchat/messages')
      .send({ text: 'suite', tenant: 'autre', conversationId, token })
      .expect(404);
  });
});
