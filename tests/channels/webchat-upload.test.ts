// The web chat's photo upload as the widget uses it: the image as the body, the conversation's token, then a
// message carrying the internal URL. What a citizen notices: a photo is accepted and reaches the form; a file
// that is not an image, or too large, gets a French answer; nobody without the token can add a photo; the
// stored photo no longer says where it was taken or with which phone.
import exifr from 'exifr';
import sharp from 'sharp';
import request from 'supertest';
import { mediaKeyOf } from '../../bot/ports';
import type { Container } from '../../server/container';
import { createTestContainer, DEMO_TENANT } from '../support/harness';
import { PHOTO_POSITION, jpegWithGps, plainPng } from '../support/photos';

const HOOK_TIMEOUT_MS = 120_000;
const MAX_BYTES = 64 * 1024;

let container: Container;
beforeAll(async () => {
  container = await createTestContainer({ MEDIA_MAX_BYTES: String(MAX_BYTES) });
}, HOOK_TIMEOUT_MS);
afterAll(async () => {
  await container?.close();
}, HOOK_TIMEOUT_MS);

const api = () => request(container.app);

async function conversation(): Promise<{ conversationId: string; token: string }> {
  const res = await api()
    .post('/channels/webchat/messages')
    .set('Content-Type', 'application/json')
    .send(JSON.stringify({ text: 'bonjour', tenant: 'demo' }))
    .expect(200);
  return res.body as { conversationId: string; token: string };
}

const upload = (c: { conversationId: string; token?: string }, bytes: Buffer, type = 'image/jpeg') => {
  const req = api()
    .post(`/channels/webchat/media?tenant=demo&conversationId=${c.conversationId}`)
    .set('Content-Type', type);
  if (c.token) req.set('X-Conversation-Token', c.token);
  return req.send(bytes);
};

describe('POST /channels/webchat/media', () => {
  it('stores a phone photo without its metadata and gives the widget its position to offer', async () => {
    const c = await conversation();
    const original = await jpegWithGps();
    expect(await exifr.gps(original)).toMatchObject({ latitude: expect.closeTo(PHOTO_POSITION.lat, 4) });
    expect(original.includes('Model X-Secret')).toBe(true);

    const res = await upload(c, original).expect(201);
    expect(res.body).toMatchObject({
      contentType: 'image/jpeg',
      url: expect.stringMatching(/^media:val-de-loue\//),
    });
    expect(res.body.position.lat).toBeCloseTo(PHOTO_POSITION.lat, 4);
    expect(res.body.position.lon).toBeCloseTo(PHOTO_POSITION.lon, 4);
    expect(res.headers['cache-control']).toBe('no-store');

    const stored = await container.media.store.get(mediaKeyOf(res.body.url as string)!);
    expect(stored?.contentType).toBe('image/jpeg');
    const bytes = stored!.bytes;
    // Still the same picture…
    expect(await sharp(bytes).metadata()).toMatchObject({ format: 'jpeg', width: 64, height: 48 });
    // …but nothing left of the phone's metadata: no EXIF block, no GPS, no camera model.
    expect(await sharp(bytes).metadata()).not.toHaveProperty('exif');
    expect(await exifr.parse(bytes)).toBeUndefined();
    expect(await exifr.gps(bytes)).toBeUndefined();
    expect(bytes.includes('Exif')).toBe(false);
    expect(bytes.includes('Model X-Secret')).toBe(false);
  });

  it('answers no position for a photo that has none', async () => {
    const c = await conversation();
    const res = await upload(c, await plainPng(), 'image/png').expect(201);
    expect(res.body.contentType).toBe('image/png');
    expect(res.body).not.toHaveProperty('position');
  });

  it('refuses a file that is not an image, whatever type it claims, in French', async () => {
    const c = await conversation();
    const res = await upload(c, Buffer.from('<html><script>alert(1)</script></html>')).expect(415);
    expect(res.body.error.message).toMatch(/n’est pas une photo/);
    // JPEG's first bytes followed by garbage: not readable either.
    const fake = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(200, 7)]);
    await upload(c, fake).expect(415);
  });

  it('refuses a photo above the size limit with a 413 the citizen can read', async () => {
    const c = await conversation();
    const big = Buffer.concat([await jpegWithGps(), Buffer.alloc(MAX_BYTES, 1)]);
    const res = await upload(c, big).expect(413);
    expect(res.body.error.message).toBe('La photo dépasse la taille maximale (0,1 Mo).');
  });

  it('refuses an empty body', async () => {
    const c = await conversation();
    await upload(c, Buffer.alloc(0)).expect(400);
  });

  it('accepts a photo only with the conversation’s token', async () => {
    const c = await conversation();
    const photo = await plainPng();
    await upload({ conversationId: c.conversationId }, photo, 'image/png').expect(404);
    await upload({ conversationId: c.conversationId, token: 'x'.repeat(43) }, photo, 'image/png').expect(404);
    await upload({ conversationId: 'not-an-id', token: c.token }, photo, 'image/png').expect(400);
  });

  it('passes the uploaded photo (and the position the citizen agreed to) to the conversation', async () => {
    const c = await conversation();
    const { body } = await upload(c, await jpegWithGps()).expect(201);
    const turns = jest.spyOn(container.engine, 'handleTurn');
    try {
      await api()
        .post('/channels/webchat/messages')
        .set('Content-Type', 'application/json')
        .send(
          JSON.stringify({
            tenant: 'demo',
            conversationId: c.conversationId,
            token: c.token,
            text: '',
            media: [{ url: body.url }],
            location: body.position,
          }),
        )
        .expect(200);
      expect(turns).toHaveBeenCalledTimes(1);
      expect(turns.mock.calls[0]?.[0]).toMatchObject({
        text: '',
        media: [{ url: body.url }],
        location: { lat: body.position.lat, lon: body.position.lon },
      });
    } finally {
      turns.mockRestore();
    }
  });

  it('refuses a message with a URL that is not an uploaded photo, or another territory’s', async () => {
    const c = await conversation();
    const send = (media: object[]) =>
      api()
        .post('/channels/webchat/messages')
        .set('Content-Type', 'application/json')
        .send(
          JSON.stringify({
            tenant: 'demo',
            conversationId: c.conversationId,
            token: c.token,
            text: '',
            media,
          }),
        );
    await send([{ url: 'https://evil.example/x.jpg' }]).expect(400);
    await send([{ url: 'media:autre-commune/AAAAAAAAAAAAAAAAAAAAAAAA' }]).expect(400);
    // Neither text nor photo: nothing to say.
    await send([]).expect(400);
  });

  it('refuses a photo of this territory uploaded in another conversation (a published photo’s key is public)', async () => {
    const mine = await conversation();
    const other = await conversation();
    const { body } = await upload(other, await jpegWithGps()).expect(201);
    const stored = await container.media.accept(DEMO_TENANT, await jpegWithGps()); // e.g. an MMS of the territory
    for (const url of [body.url as string, stored.url]) {
      const res = await api()
        .post('/channels/webchat/messages')
        .set('Content-Type', 'application/json')
        .send(
          JSON.stringify({
            tenant: 'demo',
            conversationId: mine.conversationId,
            token: mine.token,
            text: '',
            media: [{ url }],
          }),
        )
        .expect(400);
      expect(res.body.error.message).toMatch(/not uploaded in this conversation/);
    }
  });
});

describe('a photo in the web chat history (after a reload)', () => {
  it('lists the photo with the message and gives it back only with the conversation’s token', async () => {
    const c = await conversation();
    const { body } = await upload(c, await plainPng(), 'image/png').expect(201);
    await api()
      .post('/channels/webchat/messages')
      .set('Content-Type', 'application/json')
      .send(
        JSON.stringify({
          tenant: 'demo',
          conversationId: c.conversationId,
          token: c.token,
          text: '',
          media: [{ url: body.url }],
        }),
      )
      .expect(200);
    const history = await api()
      .get(`/channels/webchat/conversations/${c.conversationId}/history?tenant=demo`)
      .set('X-Conversation-Token', c.token)
      .expect(200);
    const sent = (history.body.messages as { direction: string; text: string; photos?: string[] }[]).filter(
      (m) => m.direction === 'in' && m.photos,
    );
    const key = mediaKeyOf(body.url as string)!;
    const photoId = key.split('/')[1]!;
    expect(sent).toEqual([expect.objectContaining({ text: '', photos: [photoId] })]);

    const photoPath = `/channels/webchat/conversations/${c.conversationId}/photos/${photoId}?tenant=demo`;
    const photo = await api().get(photoPath).set('X-Conversation-Token', c.token).buffer(true).expect(200);
    expect(photo.headers['content-type']).toBe('image/png');
    expect(photo.headers['cache-control']).toMatch(/no-store/);
    expect((photo.body as Buffer).subarray(1, 4).toString()).toBe('PNG');
    // Without the token, with another conversation's, or a photo this conversation never sent: nothing.
    await api().get(photoPath).expect(404);
    const other = await conversation();
    await api()
      .get(`/channels/webchat/conversations/${other.conversationId}/photos/${photoId}?tenant=demo`)
      .set('X-Conversation-Token', other.token)
      .expect(404);
    await api()
      .get(`/channels/webchat/conversations/${c.conversationId}/photos/${'A'.repeat(24)}?tenant=demo`)
      .set('X-Conversation-Token', c.token)
      .expect(404);
  });
});
