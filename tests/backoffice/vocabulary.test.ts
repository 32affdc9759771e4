// An agent reads names, not ids: the vocabulary gives the labels the console shows for request types, incident
// categories, statuses, communes, authorities, channels and roles of the caller's own territory.
import request from 'supertest';
import type { Container } from '../../server/container';
import { DEMO_TENANT } from '../support/harness';
import { backofficeContainer, bearer, issueToken, CONTAINER_TIMEOUT_MS } from './support';

describe('GET /api/v1/vocabulary', () => {
  let container: Container;
  let agent: string;

  beforeAll(async () => {
    container = await backofficeContainer();
    agent = (await issueToken(container, { role: 'agent', tenantId: DEMO_TENANT })).token;
  }, CONTAINER_TIMEOUT_MS);
  afterAll(async () => container?.close());

  it('names what the back office stores by id, in French', async () => {
    const res = await request(container.app).get('/api/v1/vocabulary').set(bearer(agent));
    expect(res.status).toBe(200);
    const v = res.body as Record<string, Record<string, string>>;
    expect(v.requestTypes).toMatchObject({
      report_incident: 'Signalement',
      school_registration: 'Inscription scolaire',
      library_registration: 'Inscription à la médiathèque',
    });
    expect(v.categories?.['report_incident:eclairage']).toBe('Éclairage public');
    expect(v.communes?.['montcey-sur-loue']).toBe('Montcey-sur-Loue');
    expect(v.authorities?.['cc-val-de-loue']).toBe('Communauté de communes du Val de Loue');
    expect(v.statuses?.in_progress).toBe('En cours');
    expect(v.roles?.supervisor).toBe('Responsable');
    expect(v.channels?.voice).toBe('Téléphone');
    expect(v.channels?.webchat).toBe('Chat du site');
    expect(res.body.timeZone).toBe('Europe/Paris');
    // No label is its own id (the bug agents met: "report_incident · eclairage", "montcey-sur-loue").
    for (const group of ['requestTypes', 'categories', 'communes', 'authorities', 'statuses', 'roles'])
      for (const [id, label] of Object.entries(v[group] ?? {})) expect(label).not.toBe(id);
  });

  it('needs a signed-in caller', async () => {
    expect((await request(container.app).get('/api/v1/vocabulary')).status).toBe(401);
  });
});
