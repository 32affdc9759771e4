// The photo a field team takes when an intervention is done, through the API: uploaded as the image itself,
// idempotent by the phone's client id (a lost answer on a poor network costs nothing), checked by its first
// bytes and its size, scoped to the intervention's team, then named in the "done" report and read back.
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import type { Container } from '../../server/container';
import { DEMO_TENANT } from '../support/harness';
import {
  ADMIN_TOKEN,
  backofficeContainer,
  bearer,
  CONTAINER_TIMEOUT_MS,
  issueToken,
  rows,
  seedReportInVerniere,
} from './support';

/** The smallest real PNG (1×1 pixel). */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

describe('photos of done interventions', () => {
  let container: Container;
  let lighting: string;
  let roads: string;
  let first: string;
  let second: string;
  const api = () => request(container.app);
  const put = (intervention: string, clientId: string, token: string, type: string, body: Buffer) =>
    api()
      .put(`/api/v1/interventions/${intervention}/photos/${clientId}`)
      .set(bearer(token))
      .set('Content-Type', type)
      .send(body);

  /**
   * A photo announced larger than 5 MB: refused (413) from its Content-Length, before the body is read — so the
   * test sends the headers only (writing megabytes the server will not read would end in a broken pipe).
   */
  async function announcedTooLarge(intervention: string, clientId: string, token: string): Promise<number> {
    const server = container.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      return await new Promise<number>((resolve, reject) => {
        const req = httpRequest({
          host: '127.0.0.1',
          port,
          method: 'PUT',
          path: `/api/v1/interventions/${intervention}/photos/${clientId}`,
          headers: {
            Authorization: `Bearer ${token}`,
            'Content-Type': 'image/jpeg',
            'Content-Length': String(5 * 1024 * 1024 + 1),
          },
        });
        req.on('response', (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
          req.destroy();
        });
        req.on('error', reject);
        req.flushHeaders();
      });
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  }

  beforeAll(async () => {
    container = await backofficeContainer();
    const supervisor = (await issueToken(container, { role: 'supervisor', tenantId: DEMO_TENANT })).token;
    const lou = await issueToken(container, { role: 'agent', tenantId: DEMO_TENANT, name: 'Lou Éclairage' });
    const sam = await issueToken(container, { role: 'agent', tenantId: DEMO_TENANT, name: 'Sam Voirie' });
    lighting = lou.token;
    roads = sam.token;
    const team = async (name: string, member: string | null) =>
      (
        await api()
          .post('/api/v1/teams')
          .set(bearer(ADMIN_TOKEN))
          .send({ tenantId: DEMO_TENANT, name, memberIds: [member] })
          .expect(201)
      ).body.id as string;
    const eclairage = await team('Éclairage public', lou.agentId);
    await team('Voirie', sam.agentId);
    const seeded = await seedReportInVerniere(container, {
      category: 'eclairage',
      description: 'Lampadaire éteint',
    });
    const plan = async (what: string) =>
      (
        await api()
          .post(`/api/v1/requests/${seeded.references[0]}/interventions`)
          .set(bearer(supervisor))
          .send({ teamId: eclairage, what })
          .expect(201)
      ).body.id as string;
    first = await plan('Changer l’ampoule');
    second = await plan('Repeindre le mât');
  }, CONTAINER_TIMEOUT_MS);
  afterAll(() => container.close());

  it('stores the photo once however often the phone sends it, and reads it back', async () => {
    const sent = await put(first, 'phone-1', lighting, 'image/png', PNG);
    expect(sent.status).toBe(201);
    expect(sent.body.url).toBe(`/api/v1/interventions/${first}/photos/${sent.body.photoId}`);
    const again = await put(first, 'phone-1', lighting, 'image/png', PNG);
    expect(again.status).toBe(201);
    expect(again.body.photoId).toBe(sent.body.photoId);
    const stored = await rows(container, 'SELECT id FROM intervention_photos WHERE intervention_id = $1', [
      first,
    ]);
    expect(stored).toHaveLength(1);

    const read = await api()
      .get(`/api/v1/interventions/${first}/photos/${sent.body.photoId}`)
      .set(bearer(lighting))
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });
    expect(read.status).toBe(200);
    expect(read.headers['content-type']).toBe('image/png');
    expect(Buffer.compare(read.body as Buffer, PNG)).toBe(0);
  });

  it('refuses what is not a photo, too large, or out of the team’s reach', async () => {
    expect((await put(first, 'x1', lighting, 'text/html', Buffer.from('<script>'))).status).toBe(415);
    // Declared a PNG, but the bytes say otherwise.
    expect(
      (await put(first, 'x2', lighting, 'image/png', Buffer.from('<html>not a png</html>'))).status,
    ).toBe(415);
    expect(await announcedTooLarge(first, 'x3', lighting)).toBe(413);
    expect((await put(first, 'x4', lighting, 'image/png', Buffer.alloc(0))).status).toBe(400);
    // Another team's agent: no such intervention for them.
    expect((await put(first, 'x5', roads, 'image/png', PNG)).status).toBe(404);
    expect(
      await rows(container, `SELECT id FROM intervention_photos WHERE client_id LIKE 'x%'`),
    ).toHaveLength(0);
  });

  it('names the uploaded photo in the "done" report; a photo of another intervention is refused', async () => {
    const photo = (await put(first, 'phone-2', lighting, 'image/png', PNG)).body.photoId as string;
    const wrong = await api()
      .post(`/api/v1/interventions/${second}/status`)
      .set(bearer(lighting))
      .send({ status: 'done', photoId: photo });
    expect(wrong.status).toBe(400);
    const done = await api()
      .post(`/api/v1/interventions/${first}/status`)
      .set(bearer(lighting))
      .send({ status: 'done', comment: 'Ampoule LED posée', photoId: photo });
    expect(done.status).toBe(200);
    expect(done.body.donePhoto).toBe(`/api/v1/interventions/${first}/photos/${photo}`);
  });
});
