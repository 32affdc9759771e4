// Callbacks the bot promised, as the agents live them: a citizen chooses "Être rappelé par téléphone" outside
// the agents' hours; once the hand-over is relayed, the task is listed with the number as people read it,
// the question and when it is due; "Injoignable" counts attempts and keeps it listed, "Rappel fait" closes it;
// the contact's erasure deletes it.
import request from 'supertest';
import type { Container } from '../../server/container';
import { talk } from '../support/conversation';
import { DEMO_TENANT } from '../support/harness';
import { done } from '../conversations/helpers';
import {
  ADMIN_TOKEN,
  CONTAINER_TIMEOUT_MS,
  OUT_OF_HOURS,
  backofficeContainer,
  bearer,
  issueToken,
  rows,
} from './support';

describe('promised callbacks', () => {
  let container: Container;
  let agent: string;
  let conversationId = '';
  beforeAll(async () => {
    container = await backofficeContainer();
    agent = (await issueToken(container, { role: 'agent', tenantId: DEMO_TENANT })).token;
    await done(
      talk(container.engine, { now: OUT_OF_HOURS })
        .send('Mon voisin brûle des déchets verts tous les soirs, que puis-je faire ?')
        .send('je veux parler à un agent')
        .choose(/rappelé/)
        .send('06 12 34 56 78')
        .expectReply(/vous rappellera/)
        .check((r) => {
          conversationId = r.conversationId;
        }),
    );
    // The relay delivers the hand-over twice (a retry): still one task.
    await container.backoffice.relay.runOnce();
    await container.backoffice.relay.runOnce();
    await rows(container, `UPDATE outbox SET status = 'pending' WHERE payload ->> 'conversationId' = $1`, [
      conversationId,
    ]);
    await container.backoffice.relay.runOnce();
  }, CONTAINER_TIMEOUT_MS);
  afterAll(() => container.close());

  const api = () => request(container.app);
  const list = async (status?: string) =>
    (
      await api()
        .get(`/api/v1/callbacks${status ? `?status=${status}` : ''}`)
        .set(bearer(agent))
    ).body.items as Record<string, unknown>[];
  const mine = async (status?: string) =>
    (await list(status)).filter((c) => c.conversationId === conversationId);

  it('lists the promise once: number for people, the question, due by the end of the agents’ next opening', async () => {
    const tasks = await mine();
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({
      phone: '+33612345678',
      phoneDisplay: '06 12 34 56 78',
      question: 'Mon voisin brûle des déchets verts tous les soirs, que puis-je faire ?',
      status: 'open',
      attempts: 0,
      // Saturday evening → Monday 16 March; the agents' morning ends at 12:00 in Paris.
      promisedBy: '2026-03-16T11:00:00.000Z',
    });
  });

  it('"Injoignable" counts attempts and keeps the task listed; "Rappel fait" closes it; audited', async () => {
    const [task] = await mine();
    const id = String(task?.id);
    const first = await api()
      .post(`/api/v1/callbacks/${id}/not-reached`)
      .set(bearer(agent))
      .send({ note: 'Messagerie, rappeler après 18 h' });
    expect(first.status).toBe(200);
    await api().post(`/api/v1/callbacks/${id}/not-reached`).set(bearer(agent)).send({});
    expect(await mine('open,not_reached')).toMatchObject([
      { status: 'not_reached', attempts: 2, note: 'Messagerie, rappeler après 18 h' },
    ]);
    const closed = await api().post(`/api/v1/callbacks/${id}/done`).set(bearer(agent)).send({});
    expect(closed.body).toMatchObject({ status: 'done', attempts: 3 });
    expect(await mine('open,not_reached')).toEqual([]);
    const again = await api().post(`/api/v1/callbacks/${id}/done`).set(bearer(agent)).send({});
    expect(again.status).toBe(409);
    expect(again.body.error.message).toMatch(/already done/);
    const audit = await rows(container, `SELECT action FROM audit_log WHERE target_id = $1 ORDER BY id`, [
      id,
    ]);
    expect(audit.map((a) => a.action)).toEqual([
      'callback.not_reached',
      'callback.not_reached',
      'callback.done',
    ]);
  });

  it('answers bad input with a 400 and an unknown task with a 404', async () => {
    expect((await api().get('/api/v1/callbacks?status=lost').set(bearer(agent))).status).toBe(400);
    const [task] = await mine();
    expect(
      (
        await api()
          .post(`/api/v1/callbacks/${String(task?.id)}/not-reached`)
          .set(bearer(agent))
          .send({ note: 'x'.repeat(2000) })
      ).status,
    ).toBe(400);
    expect(
      (
        await api()
          .post('/api/v1/callbacks/00000000-0000-0000-0000-000000000000/done')
          .set(bearer(agent))
          .send({})
      ).status,
    ).toBe(404);
  });

  it('the contact’s erasure deletes their callbacks (number and question)', async () => {
    const [contact] = await rows<{ contact_id: string }>(
      container,
      'SELECT contact_id FROM conversations WHERE id = $1',
      [conversationId],
    );
    const erased = await api()
      .post(`/api/v1/contacts/${String(contact?.contact_id)}/erase`)
      .set(bearer(ADMIN_TOKEN))
      .send({});
    expect(erased.status).toBe(200);
    expect(
      await rows(container, 'SELECT 1 FROM callbacks WHERE conversation_id = $1', [conversationId]),
    ).toEqual([]);
  });
});
