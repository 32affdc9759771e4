// What an erasure leaves of a citizen's photos and registrations: nothing of the photos (bytes deleted from the
// media store, publication withdrawn, even a published one — it may show the person), and of a library
// registration for several people only the aggregate (how many, the total), never who. The same for the
// retention job when it anonymises a closed request.
import request from 'supertest';
import { runRetention } from '../../server/retention';
import type { Container } from '../../server/container';
import { DEMO_TENANT } from '../support/harness';
import { jpegWithGps } from '../support/photos';
import {
  backofficeContainer,
  bearer,
  CONTAINER_TIMEOUT_MS,
  issueToken,
  rows,
  seedConversation,
  seedReportInVerniere,
} from './support';

const DAY = 24 * 3600 * 1000;

describe('photos and registrations after an erasure or the retention job', () => {
  let container: Container;
  let agent: string;
  let supervisor: string;
  const api = () => request(container.app);

  beforeAll(async () => {
    container = await backofficeContainer();
    agent = (await issueToken(container, { role: 'agent', tenantId: DEMO_TENANT })).token;
    supervisor = (await issueToken(container, { role: 'supervisor', tenantId: DEMO_TENANT })).token;
  }, CONTAINER_TIMEOUT_MS);
  afterAll(() => container.close());

  /** A citizen's pothole report (open) with a stored photo. */
  async function reportWithPhoto() {
    const saved = await container.media.accept(DEMO_TENANT, await jpegWithGps());
    const seeded = await seedReportInVerniere(container, {
      category: 'voirie',
      description: 'Nid de poule',
      extra: { photo: { url: saved.url, contentType: 'image/jpeg' } },
      location: { lat: 47.1, lon: 6.1 },
    });
    return { ...seeded, key: saved.key, url: saved.url, reference: seeded.references[0]! };
  }

  /** The same, its photo published by an agent. */
  async function publishedReport() {
    const report = await reportWithPhoto();
    const photoUrl = `/api/v1/requests/${report.reference}/photos/${report.key.split('/')[1]}`;
    await api().put(`${photoUrl}/publication`).set(bearer(agent)).send({ published: true }).expect(200);
    await api().get(`/open311/v2/media/${report.key}`).expect(200);
    return report;
  }

  /** Messages of a citizen carrying photos (as the web chat records an upload). */
  async function sendPhotos(conversationId: string, urls: string[]) {
    await container.store.commitTurn({
      tenantId: DEMO_TENANT,
      conversationId,
      messages: urls.map((url) => ({
        direction: 'in' as const,
        text: '[photo]',
        payload: { media: [{ url, contentType: 'image/jpeg' }] },
      })),
      requests: [],
      outbox: [],
    });
  }

  /** The retention job as it would run `days` from now (transcripts 183 days, contacts 365). */
  async function retentionIn(days: number) {
    const store = container.store as unknown as { sql: Parameters<typeof runRetention>[0]['sql'] };
    const [report] = await runRetention({
      sql: store.sql,
      tenants: [{ tenantId: DEMO_TENANT, transcriptsDays: 183, contactsDays: 365 }],
      now: new Date(Date.now() + days * DAY),
      media: container.media.store,
    });
    return report;
  }

  const stored = (key: string) => container.media.store.get(key);

  it('erasing a contact deletes their photos’ bytes and withdraws a published one', async () => {
    const citizen = await publishedReport();
    await api().post(`/api/v1/contacts/${citizen.contactId}/erase`).set(bearer(supervisor)).expect(200);

    expect(await stored(citizen.key)).toBeNull();
    await api().get(`/open311/v2/media/${citizen.key}`).expect(404);
    expect(
      await rows(container, 'SELECT 1 FROM media_publications WHERE media_key = $1', [citizen.key]),
    ).toEqual([]);
    const photos = await api().get(`/api/v1/requests/${citizen.reference}/photos`).set(bearer(agent));
    expect(photos.body.items ?? []).toEqual([]);
  });

  it('keeps of a family’s library registration how many they were and the total, not their names', async () => {
    const family = await seedConversation(container, {
      tenantId: DEMO_TENANT,
      requests: [
        {
          type: 'library_registration',
          authorityId: 'commune-verniere',
          communeId: 'verniere',
          payload: {
            adherents: [
              { name: 'Jeanne Dupont', pricing: { label: 'Adulte', price: 12, conditions: null } },
              { name: 'Tom Dupont', pricing: { label: 'Moins de 18 ans', price: 0, conditions: null } },
            ],
            total: 12,
            contact: { phone: '+33611223344' },
            documents: ['Justificatif de domicile'],
          },
        },
      ],
    });
    await api().post(`/api/v1/contacts/${family.contactId}/erase`).set(bearer(supervisor)).expect(200);
    const [registration] = await rows<{ payload: Record<string, unknown> }>(
      container,
      'SELECT payload FROM requests WHERE reference = $1',
      [family.references[0]],
    );
    expect(registration?.payload).toEqual({
      total: 12,
      adherentCount: 2,
      documents: ['Justificatif de domicile'],
      anonymised: true,
    });
  });

  it('deletes a photo the media store could not delete at the erasure, at the retention job’s next run', async () => {
    const citizen = await publishedReport();
    const deleteBytes = jest
      .spyOn(container.media.store, 'delete')
      .mockRejectedValueOnce(new Error('S3 down'));
    await api().post(`/api/v1/contacts/${citizen.contactId}/erase`).set(bearer(supervisor)).expect(200);
    expect(deleteBytes).toHaveBeenCalledTimes(1);
    deleteBytes.mockRestore();
    // The person is erased; the bytes are still there, queued.
    expect(await stored(citizen.key)).not.toBeNull();
    await api().get(`/open311/v2/media/${citizen.key}`).expect(404);
    // Still down at the job's first run: counted as failed, kept queued.
    jest.spyOn(container.media.store, 'delete').mockRejectedValue(new Error('S3 down'));
    expect(await retentionIn(0)).toMatchObject({ ran: true, photosDeleted: 0 });
    jest.restoreAllMocks();
    expect(await stored(citizen.key)).not.toBeNull();
    const report = await retentionIn(0);
    expect(report?.photosDeleted).toBeGreaterThanOrEqual(1);
    expect(report?.photosFailed).toBe(0);
    expect(await stored(citizen.key)).toBeNull();
    expect(
      await rows(container, 'SELECT 1 FROM media_deletions WHERE media_key = $1', [citizen.key]),
    ).toEqual([]);
  });

  it('the retention job deletes the photo of a request it anonymises, published or not', async () => {
    const citizen = await publishedReport();
    await rows(container, `UPDATE requests SET status = 'resolved' WHERE reference = $1`, [
      citizen.reference,
    ]);
    const report = await retentionIn(400);
    expect(report).toMatchObject({ ran: true, photosFailed: 0 });
    expect(report?.photosDeleted).toBeGreaterThanOrEqual(1);
    expect(await stored(citizen.key)).toBeNull();
    await api().get(`/open311/v2/media/${citizen.key}`).expect(404);
    expect(
      await rows(container, 'SELECT 1 FROM media_publications WHERE media_key = $1', [citizen.key]),
    ).toEqual([]);
  });

  it('deletes the photos sent in an expired transcript that no request shows, and keeps a report’s photo', async () => {
    const loose = await container.media.accept(DEMO_TENANT, await jpegWithGps()); // sent, never attached
    const reported = await reportWithPhoto(); // open: its photo stays with it
    await sendPhotos(reported.conversationId, [loose.url, reported.url]);
    // Seven months on: the transcript (six months) is gone; the report (still open) and its contact are kept.
    const report = await retentionIn(210);
    expect(report).toMatchObject({ ran: true, photosFailed: 0, contactsAnonymised: 0 });
    expect(
      await rows(container, 'SELECT 1 FROM messages WHERE conversation_id = $1', [reported.conversationId]),
    ).toEqual([]);
    expect(await stored(loose.key)).toBeNull();
    expect(await stored(reported.key)).not.toBeNull();
    const photos = await api()
      .get(`/api/v1/requests/${reported.reference}/photos`)
      .set(bearer(agent))
      .expect(200);
    expect(photos.body.items).toHaveLength(1);
  });

  it('a report’s photo named in another citizen’s message stays with the report when that citizen is erased or expires', async () => {
    const reporter = await publishedReport(); // open, its photo published
    const other = await seedConversation(container, { tenantId: DEMO_TENANT });
    const third = await seedConversation(container, { tenantId: DEMO_TENANT });
    for (const citizen of [other, third]) await sendPhotos(citizen.conversationId, [reporter.url]);
    await api().post(`/api/v1/contacts/${other.contactId}/erase`).set(bearer(supervisor)).expect(200);
    const report = await retentionIn(400);
    expect(report?.contactsAnonymised).toBeGreaterThanOrEqual(1); // the third citizen, inactive for 400 days
    expect(
      await rows(container, 'SELECT 1 FROM contacts WHERE id = $1 AND erased_at IS NOT NULL', [
        third.contactId,
      ]),
    ).toHaveLength(1);
    expect(await stored(reporter.key)).not.toBeNull();
    await api().get(`/open311/v2/media/${reporter.key}`).expect(200);
  });
});
