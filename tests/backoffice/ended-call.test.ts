// A phone conversation handed to the agents: the call has ended, so the console's reply box must not pretend.
// A written reply answers 409 saying what to do instead; a mobile number gets an SMS through the outbox and
// the Twilio notifier (recorded in the transcript); a landline, or a territory without SMS, gets no SMS offer.
import nock from 'nock';
import request from 'supertest';
import type { Container } from '../../server/container';
import { DEMO_TENANT } from '../support/harness';
import { TWILIO_ENV, expectRestSends } from '../channels/twilio-helpers';
import {
  CONTAINER_TIMEOUT_MS,
  backofficeContainer,
  bearer,
  issueToken,
  rows,
  seedConversation,
} from './support';

const MOBILE = '+33623456789';
const LANDLINE = '+33145678900';

describe('after a phone call', () => {
  let container: Container;
  let agent: string;
  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect(/127\.0\.0\.1|localhost/);
    container = await backofficeContainer(TWILIO_ENV);
    agent = (await issueToken(container, { role: 'agent', tenantId: DEMO_TENANT })).token;
  }, CONTAINER_TIMEOUT_MS);
  afterAll(async () => {
    await container.close();
    nock.cleanAll();
    nock.enableNetConnect();
  });

  const api = () => request(container.app);
  const call = async (address: string) => {
    const seeded = await seedConversation(container, {
      tenantId: DEMO_TENANT,
      channel: 'voice',
      address,
      owner: 'queue',
    });
    expect(
      (await api().post(`/api/v1/conversations/${seeded.conversationId}/takeover`).set(bearer(agent))).status,
    ).toBe(200);
    return seeded.conversationId;
  };

  it('a written reply into the ended call is refused with a 409 that offers an SMS to the mobile', async () => {
    const id = await call(MOBILE);
    const detail = await api().get(`/api/v1/conversations/${id}`).set(bearer(agent));
    expect(detail.body.reach).toEqual({
      written: false,
      sms: true,
      phone: MOBILE,
      phoneDisplay: '06 23 45 67 89',
    });
    const res = await api()
      .post(`/api/v1/conversations/${id}/messages`)
      .set(bearer(agent))
      .send({ text: 'Bonjour' });
    expect(res.status).toBe(409);
    expect(res.body.error.message).toMatch(/call has ended.*SMS to 06 23 45 67 89/);
    expect(
      await rows(container, `SELECT 1 FROM messages WHERE conversation_id = $1 AND direction = 'agent'`, [
        id,
      ]),
    ).toEqual([]);
  });

  it('sends the SMS through the outbox and the Twilio notifier, and keeps it in the transcript', async () => {
    const id = await call(MOBILE);
    const sends = expectRestSends(1);
    const res = await api()
      .post(`/api/v1/conversations/${id}/sms`)
      .set(bearer(agent))
      .send({ text: 'Votre dossier est prêt en mairie.' });
    expect(res.status).toBe(201);
    while ((await container.backoffice.relay.runOnce()) > 0) {
      // drain
    }
    sends.scope.done();
    expect(sends.bodies[0]).toMatchObject({
      To: MOBILE,
      // Sent in GSM-7 (one SMS segment holds 160 characters, not 70): ê, which it lacks, loses its accent.
      Body: expect.stringContaining('Votre dossier est pret'),
    });
    const transcript = await api().get(`/api/v1/conversations/${id}`).set(bearer(agent));
    expect(
      transcript.body.messages.map((m: { direction: string; text: string }) => [m.direction, m.text]),
    ).toContainEqual(['agent', 'Votre dossier est prêt en mairie.']);
  });

  it('a landline gets no SMS offer: the 409 says to call back, and /sms is refused', async () => {
    const id = await call(LANDLINE);
    const detail = await api().get(`/api/v1/conversations/${id}`).set(bearer(agent));
    expect(detail.body.reach).toMatchObject({ written: false, sms: false, phoneDisplay: '01 45 67 89 00' });
    const res = await api()
      .post(`/api/v1/conversations/${id}/messages`)
      .set(bearer(agent))
      .send({ text: 'Bonjour' });
    expect(res.status).toBe(409);
    expect(res.body.error.message).toMatch(/rappelez-la au 01 45 67 89 00/);
    const sms = await api()
      .post(`/api/v1/conversations/${id}/sms`)
      .set(bearer(agent))
      .send({ text: 'Bonjour' });
    expect(sms.status).toBe(409);
  });

  it('a web chat takes written replies: no SMS route there', async () => {
    const seeded = await seedConversation(container, {
      tenantId: DEMO_TENANT,
      channel: 'webchat',
      owner: 'queue',
    });
    const detail = await api().get(`/api/v1/conversations/${seeded.conversationId}`).set(bearer(agent));
    expect(detail.body.reach).toMatchObject({ written: true, sms: false });
    const sms = await api()
      .post(`/api/v1/conversations/${seeded.conversationId}/sms`)
      .set(bearer(agent))
      .send({ text: 'x' });
    expect(sms.status).toBe(409);
  });
});

describe('after a phone call, without SMS configured', () => {
  let container: Container;
  beforeAll(async () => {
    container = await backofficeContainer();
  }, CONTAINER_TIMEOUT_MS);
  afterAll(() => container.close());

  it('offers no SMS even to a mobile', async () => {
    const agent = (await issueToken(container, { role: 'agent', tenantId: DEMO_TENANT })).token;
    const seeded = await seedConversation(container, {
      tenantId: DEMO_TENANT,
      channel: 'voice',
      address: MOBILE,
      owner: 'queue',
    });
    const detail = await request(container.app)
      .get(`/api/v1/conversations/${seeded.conversationId}`)
      .set(bearer(agent));
    expect(detail.body.reach).toMatchObject({ written: false, sms: false, phoneDisplay: '06 23 45 67 89' });
  });
});
