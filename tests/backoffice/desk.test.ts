// The counter and the switchboard through the API (issue 18 point 1), with the demo territory's real forms:
// the services offered in French, the bot's own messages for wrong fields, a report of the same problem
// within 50 m shown to the agent as the bot shows it to a citizen, a request filed at the counter with the
// agent on record and an SMS receipt, found later when the citizen texts its reference from that number.
import nock from 'nock';
import request from 'supertest';
import type { Container } from '../../server/container';
import { BAN_API, LILAS_12, banSearch } from '../conversations/ban-fixtures';
import { talk } from '../support/conversation';
import { DEMO_TENANT } from '../support/harness';
import {
  CONTAINER_TIMEOUT_MS,
  IN_HOURS,
  backofficeContainer,
  bearer,
  incidentPayload,
  issueToken,
  rows,
  seedConversation,
} from './support';

describe('desk intake API (/api/v1/desk)', () => {
  let container: Container;
  let agent: string;
  let agentId: string;
  let nearby: string;
  const api = () => request(container.app);

  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
    container = await backofficeContainer();
    const issued = await issueToken(container, {
      role: 'agent',
      tenantId: DEMO_TENANT,
      name: 'Claire Accueil',
    });
    agent = issued.token;
    agentId = issued.agentId ?? '';
    // A pothole already reported a few metres from 12 rue des Lilas.
    const seeded = await seedConversation(container, {
      tenantId: DEMO_TENANT,
      requests: [
        {
          type: 'report_incident',
          authorityId: 'commune-montcey-sur-loue',
          communeId: 'montcey-sur-loue',
          location: { lat: LILAS_12.lat + 0.0001, lon: LILAS_12.lon },
          payload: incidentPayload('voirie', 'Nid-de-poule devant le 12'),
        },
      ],
    });
    nearby = seeded.references[0] ?? '';
  }, CONTAINER_TIMEOUT_MS);
  afterAll(async () => {
    nock.cleanAll();
    nock.enableNetConnect();
    await container?.close();
  });
  afterEach(() => nock.cleanAll());

  it('offers the territory’s services with the bot’s labels and questions, no photo at the counter', async () => {
    const res = await api().get('/api/v1/desk/services').set(bearer(agent));
    expect(res.status).toBe(200);
    const services = res.body.items as {
      id: string;
      label: string;
      fields: { name: string; label: string }[];
    }[];
    expect(services.map((s) => s.label)).toEqual(
      expect.arrayContaining(['Signalement', 'Inscription scolaire']),
    );
    const report = services.find((s) => s.id === 'report_incident');
    expect(report?.fields.map((f) => f.name)).toEqual([
      'category',
      'location',
      'commune',
      'description',
      'contact',
    ]);
    expect(report?.fields.find((f) => f.name === 'category')).toMatchObject({
      label: 'Catégorie',
      choices: expect.arrayContaining([
        { label: 'Voirie (chaussée, trottoir, nid-de-poule)', value: 'category:voirie' },
      ]),
    });
    expect((await api().get('/api/v1/desk/services')).status).toBe(401);
  });

  it('answers wrong fields with the bot’s words, and shows a report of the same problem within 50 m', async () => {
    banSearch('12 rue des Lilas', LILAS_12);
    const res = await api()
      .post('/api/v1/desk/check')
      .set(bearer(agent))
      .send({
        service: 'report_incident',
        channel: 'desk',
        fields: {
          category: 'voirie',
          location: '12 rue des Lilas',
          description: 'ok',
          contact: 'pas de contact',
        },
      });
    expect(res.status).toBe(200);
    expect(res.body.ok).toBe(false);
    expect(res.body.errors.description).toBe('Pouvez-vous décrire le problème en une phrase ?');
    const duplicate = (
      res.body.fields as { name: string; prompt: string; choices?: { label: string }[] }[]
    ).find((f) => f.name === 'duplicate');
    expect(duplicate?.prompt).toMatch(/déjà été signalé à moins de 50 m/);
    expect(duplicate?.choices?.map((c) => c.label)).toEqual([
      `Oui, suivre ${nearby}`,
      'Non, c’est un autre problème',
    ]);

    const bad = await api()
      .post('/api/v1/desk/requests')
      .set(bearer(agent))
      .send({ service: 'report_incident', channel: 'desk', fields: { category: 'voirie' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.errors.location).toBe('Ce champ est obligatoire.');
    const unknown = await api()
      .post('/api/v1/desk/requests')
      .set(bearer(agent))
      .send({ service: 'passeport', channel: 'desk', fields: {} });
    expect(unknown.status).toBe(400);
    const channel = await api()
      .post('/api/v1/desk/requests')
      .set(bearer(agent))
      .send({ service: 'report_incident', channel: 'fax', fields: {} });
    expect(channel.status).toBe(400);
  });

  it('files at the counter: the bot’s confirmation, the agent on record, an SMS receipt; the citizen’s texts find it', async () => {
    nock(BAN_API).get('/search/').query(true).reply(503);
    const res = await api()
      .post('/api/v1/desk/requests')
      .set(bearer(agent))
      .send({
        service: 'report_incident',
        channel: 'desk',
        fields: {
          category: 'eclairage',
          location: '3 place de l’Église',
          commune: 'verniere',
          description: 'Le lampadaire clignote toute la nuit',
          contact: '06 98 76 54 32',
        },
      });
    expect(res.status).toBe(201);
    const reference = res.body.reference as string;
    expect(reference).toMatch(/^DEM-\d{4}-[0-9A-Z]{6}$/);
    expect(res.body.confirmation.join(' ')).toMatch(
      new RegExp(
        `Votre signalement est enregistré sous la référence ${reference}\\. Il est transmis à : Mairie de Vernière`,
      ),
    );
    expect(res.body.sms).toBe('queued');

    const detail = await api().get(`/api/v1/requests/${reference}`).set(bearer(agent));
    expect(detail.body).toMatchObject({
      channel: 'desk',
      communeId: 'verniere',
      addressText: '3 place de l’Église',
    });
    expect(detail.body.events[0]).toMatchObject({ status: 'received', actor: `agent:${agentId}` });
    const receipt = await rows<{ payload: { to: string; text: string } }>(
      container,
      `SELECT payload FROM outbox WHERE kind = 'notification' AND payload ->> 'to' = '+33698765432'`,
    );
    expect(receipt).toHaveLength(1);
    expect(receipt[0]?.payload.text).toContain(reference);

    await talk(container.engine, { channel: 'sms', address: '+33698765432', now: IN_HOURS })
      .send(`où en est ma demande ${reference} ?`)
      .expectReply(new RegExp(`Demande ${reference}.*Statut : reçue`, 's'));
  });
});
