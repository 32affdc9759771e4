// A citizen's photo in the back office: agents of the request see it (each look audited), an agent of another
// territory does not; it is private until an agent publishes it — before, Open311 names no media_url and the
// public photo address is a 404 for anyone, API key or not; after, both give the photo, and withdrawing it
// makes it private again.
import request from 'supertest';
import type { Container } from '../../server/container';
import { DEMO_TENANT } from '../support/harness';
import { jpegWithGps } from '../support/photos';
import {
  ADMIN_TOKEN,
  backofficeContainer,
  bearer,
  CONTAINER_TIMEOUT_MS,
  issueToken,
  OTHER_TENANT,
  rows,
  seedReportInVerniere,
} from './support';

describe('photos citizens sent with their requests', () => {
  let container: Container;
  let agent: string;
  let stranger: string;
  let reference: string;
  let photoUrl: string;
  let key: string;
  const api = () => request(container.app);

  beforeAll(async () => {
    container = await backofficeContainer();
    agent = (await issueToken(container, { role: 'agent', tenantId: DEMO_TENANT })).token;
    stranger = (await issueToken(container, { role: 'agent', tenantId: OTHER_TENANT })).token;
    const saved = await container.media.accept(DEMO_TENANT, await jpegWithGps());
    key = saved.key;
    const seeded = await seedReportInVerniere(container, {
      category: 'voirie',
      description: 'Nid de poule',
      extra: { photo: { url: saved.url, contentType: 'image/jpeg' } },
    });
    reference = seeded.references[0]!;
  }, CONTAINER_TIMEOUT_MS);
  afterAll(() => container.close());

  const open311 = (apiKey?: string) =>
    api()
      .get(`/open311/v2/requests/${reference}.json`)
      .query({ jurisdiction_id: DEMO_TENANT, ...(apiKey ? { api_key: apiKey } : {}) })
      .expect(200);
  const publicUrl = () => `/open311/v2/media/${key}`;

  it('lists the photo for the request’s agents, unpublished, and streams it with the look audited', async () => {
    const list = await api().get(`/api/v1/requests/${reference}/photos`).set(bearer(agent)).expect(200);
    expect(list.body.items).toEqual([
      {
        id: key.split('/')[1],
        url: `/api/v1/requests/${reference}/photos/${key.split('/')[1]}`,
        published: false,
      },
    ]);
    photoUrl = list.body.items[0].url as string;
    const photo = await api().get(photoUrl).set(bearer(agent)).buffer(true).expect(200);
    expect(photo.headers['content-type']).toBe('image/jpeg');
    expect(photo.headers['cache-control']).toMatch(/private/);
    expect((photo.body as Buffer).subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
    const audit = await rows(container, `SELECT action FROM audit_log WHERE action = 'photo.view'`);
    expect(audit.length).toBeGreaterThanOrEqual(1);
  });

  it('shows nothing to anonymous callers or another territory’s agent', async () => {
    await api().get(photoUrl).expect(401);
    await api().get(photoUrl).set(bearer(stranger)).expect(404);
    await api().get(`/api/v1/requests/${reference}/photos`).set(bearer(stranger)).expect(404);
  });

  it('keeps an unpublished photo off every public surface, even with the territory’s API key', async () => {
    expect((await open311()).body[0].media_url).toBeNull();
    expect((await open311(ADMIN_TOKEN)).body[0].media_url).toBeNull();
    await api().get(publicUrl()).expect(404);
  });

  it('publishes the photo: Open311 names it and anyone can see it; withdrawn, it is private again', async () => {
    const published = await api()
      .put(`${photoUrl}/publication`)
      .set(bearer(agent))
      .send({ published: true })
      .expect(200);
    expect(published.body.published).toBe(true);
    const mediaUrl = (await open311()).body[0].media_url as string;
    expect(mediaUrl).toMatch(new RegExp(`/open311/v2/media/${key}$`));
    const photo = await api().get(publicUrl()).buffer(true).expect(200);
    expect(photo.headers['content-type']).toBe('image/jpeg');
    expect(
      (await api().get(`/api/v1/requests/${reference}/photos`).set(bearer(agent))).body.items[0].published,
    ).toBe(true);

    await api().put(`${photoUrl}/publication`).set(bearer(agent)).send({ published: false }).expect(200);
    expect((await open311()).body[0].media_url).toBeNull();
    await api().get(publicUrl()).expect(404);
  });

  it('refuses to publish for another territory’s agent, or a photo the request does not have', async () => {
    await api().put(`${photoUrl}/publication`).set(bearer(stranger)).send({ published: true }).expect(404);
    await api()
      .put(`/api/v1/requests/${reference}/photos/${'A'.repeat(24)}/publication`)
      .set(bearer(agent))
      .send({ published: true })
      .expect(404);
    await api().put(`${photoUrl}/publication`).set(bearer(agent)).send({ published: 'yes' }).expect(400);
    await api().get(publicUrl()).expect(404);
  });
});
