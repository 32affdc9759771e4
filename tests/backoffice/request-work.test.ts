// Working a request from its page (issue 17 points 3 and 4): an internal note stays internal; a saved reply goes
// to the citizen on their own channel with its placeholders filled, and the timeline shows it with its delivery;
// the citizen's contact is shown on demand and each look is audited.
import request from 'supertest';
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

describe('working a request from its page', () => {
  let container: Container;
  let agent: string;
  let supervisor: string;
  let seeded: Awaited<ReturnType<typeof seedConversation>>;
  const api = () => request(container.app);

  beforeAll(async () => {
    container = await backofficeContainer();
    agent = (await issueToken(container, { role: 'agent', tenantId: DEMO_TENANT, name: 'Camille Agent' }))
      .token;
    supervisor = (await issueToken(container, { role: 'supervisor', tenantId: DEMO_TENANT })).token;
    seeded = await seedConversation(container, {
      tenantId: DEMO_TENANT,
      channel: 'sms',
      requests: [
        {
          type: 'report_incident',
          authorityId: 'commune-verniere',
          communeId: 'verniere',
          payload: incidentPayload('eclairage', 'Lampadaire éteint'),
        },
      ],
    });
  }, CONTAINER_TIMEOUT_MS);
  afterAll(() => container.close());

  const outboxToCitizen = () =>
    rows<{ payload: { text: string; requestId?: string } }>(
      container,
      `SELECT payload FROM outbox WHERE kind = 'notification' AND payload ->> 'to' = $1 ORDER BY id`,
      [seeded.address],
    );

  it('keeps an internal note out of the citizen’s reach', async () => {
    const [reference] = seeded.references;
    const before = (await outboxToCitizen()).length;
    const res = await api()
      .post(`/api/v1/requests/${reference}/notes`)
      .set(bearer(agent))
      .send({ text: 'Voir avec le prestataire éclairage' });
    expect(res.status).toBe(201);
    expect(await outboxToCitizen()).toHaveLength(before);
    const timeline = (await api().get(`/api/v1/requests/${reference}/timeline`).set(bearer(agent))).body
      .items;
    expect(timeline).toContainEqual(
      expect.objectContaining({
        kind: 'note',
        label: 'Note interne',
        text: 'Voir avec le prestataire éclairage',
        public: false,
      }),
    );
    // The citizen's own message is in the same timeline.
    expect(timeline).toContainEqual(
      expect.objectContaining({ kind: 'message', label: 'Message du demandeur' }),
    );
    // Empty or oversized notes are refused.
    expect(
      (await api().post(`/api/v1/requests/${reference}/notes`).set(bearer(agent)).send({ text: ' ' })).status,
    ).toBe(400);
  });

  it('sends a saved reply with its placeholders filled, on the citizen’s channel, with its delivery in the timeline', async () => {
    const [reference] = seeded.references;
    const saved = await api()
      .post('/api/v1/saved-replies')
      .set(bearer(supervisor))
      .send({ title: 'Intervention planifiée', body: 'Votre demande {reference} ({commune}) est {statut}.' });
    expect(saved.status).toBe(201);
    // Agents use saved replies, they do not manage them.
    expect(
      (await api().post('/api/v1/saved-replies').set(bearer(agent)).send({ title: 'x', body: 'y' })).status,
    ).toBe(403);
    const listed = (await api().get('/api/v1/saved-replies').set(bearer(agent))).body.items;
    expect(listed.map((r: { title: string }) => r.title)).toContain('Intervention planifiée');

    const sent = await api()
      .post(`/api/v1/requests/${reference}/replies`)
      .set(bearer(agent))
      .send({ savedReplyId: saved.body.id });
    expect(sent.status).toBe(201);
    expect(sent.body).toMatchObject({ sent: true, why: null });
    const text = `Votre demande ${reference} (Vernière) est Reçue.`;
    expect((await outboxToCitizen()).at(-1)?.payload).toMatchObject({ text, requestId: sent.body.id });
    const timeline = (await api().get(`/api/v1/requests/${reference}/timeline`).set(bearer(agent))).body
      .items;
    // One entry for the reply, with the delivery of the message that carried it.
    expect(timeline.filter((i: { text: string | null }) => i.text === text)).toEqual([
      expect.objectContaining({
        kind: 'reply',
        label: 'Message au demandeur',
        delivery: expect.objectContaining({ status: 'pending', label: 'En attente d’envoi' }),
      }),
    ]);
    // Neither text nor saved reply, or both: a clear 400.
    expect(
      (await api().post(`/api/v1/requests/${reference}/replies`).set(bearer(agent)).send({})).status,
    ).toBe(400);
    expect(
      (
        await api()
          .post(`/api/v1/requests/${reference}/replies`)
          .set(bearer(agent))
          .send({ savedReplyId: 'nope' })
      ).status,
    ).toBe(400);
  });

  it('shows the contact only on demand, and audits each look', async () => {
    const [reference] = seeded.references;
    const res = await api().get(`/api/v1/requests/${reference}/contact`).set(bearer(agent));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ phone: seeded.address, reachedOn: 'SMS' });
    const audit = await rows<{ action: string; details: { reference: string } }>(
      container,
      `SELECT action, details FROM audit_log WHERE action = 'contact.view' AND tenant_id = $1`,
      [DEMO_TENANT],
    );
    expect(audit).toContainEqual(expect.objectContaining({ details: { reference } }));
  });

  it('needs a signed-in agent', async () => {
    expect((await api().get(`/api/v1/requests/${seeded.references[0]}/timeline`)).status).toBe(401);
    expect((await api().get('/api/v1/saved-replies').set(bearer(ADMIN_TOKEN))).status).toBe(400);
  });
});
