// MMS and WhatsApp photos through the real app: Twilio's MediaUrl is fetched with the account's credentials
// (nock stands for Twilio and for the storage it redirects to), checked, stripped of its metadata and stored;
// the turn carries the stored copy. A photo that cannot be received (Twilio slow or failing, not an image, too
// large) is left out and the citizen is told they can send it again, while the conversation goes on.
import exifr from 'exifr';
import nock from 'nock';
import { Readable } from 'node:stream';
import { mediaKeyOf } from '../../bot/ports';
import type { Container } from '../../server/container';
import { DEMO_TENANT, createTestContainer } from '../support/harness';
import { jpegWithGps } from '../support/photos';
import {
  ACCOUNT_SID,
  AUTH_TOKEN,
  TWILIO_ENV,
  messagesOf,
  mobile,
  postSigned,
  sid,
  smsParams,
} from './twilio-helpers';

const PATH = '/channels/twilio/sms';
const TWILIO = 'https://api.twilio.com';
const STORAGE = 'https://media-storage.twiliocdn.example';
const MAX_BYTES = 64 * 1024;

let container: Container;
beforeAll(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect(/127\.0\.0\.1|localhost/);
  container = await createTestContainer({
    ...TWILIO_ENV,
    MEDIA_MAX_BYTES: String(MAX_BYTES),
    MEDIA_FETCH_TIMEOUT_MS: '300',
  });
}, 120_000);
afterAll(async () => {
  await container?.close();
  nock.abortPendingRequests();
  nock.cleanAll();
  nock.enableNetConnect();
}, 120_000);
afterEach(() => {
  nock.abortPendingRequests();
  nock.cleanAll();
});

const mediaPath = () =>
  `/2010-04-01/Accounts/${ACCOUNT_SID}/Messages/${sid('MM')}/Media/${sid('MM').replace('MM', 'ME')}`;

/** One MMS with one photo, from a fresh number; returns the SMS texts answered and the turn's inbound row. */
async function mms(from: string, mediaUrl: string, contentType = 'image/jpeg', body = 'voici une photo') {
  const res = await postSigned(
    container.app,
    PATH,
    smsParams({ From: from, Body: body, NumMedia: '1', MediaUrl0: mediaUrl, MediaContentType0: contentType }),
  ).expect(200);
  const conversation = await container.store.findConversation({
    tenantId: DEMO_TENANT,
    channel: from.startsWith('whatsapp:') ? 'whatsapp' : 'sms',
    address: from.replace(/^whatsapp:/, ''),
  });
  const rows = conversation ? await container.store.listMessages(DEMO_TENANT, conversation.id) : [];
  const inbound = rows.filter((m) => m.direction === 'in').at(-1);
  return {
    replies: messagesOf(res.text).join('\n'),
    inbound: (inbound?.payload ?? {}) as { media?: { url: string }[] },
  };
}

describe('MMS / WhatsApp photos', () => {
  it('fetches the photo with the account’s credentials, through Twilio’s redirect, and stores it without metadata', async () => {
    const path = mediaPath();
    const photo = await jpegWithGps();
    const twilio = nock(TWILIO)
      .get(path)
      .basicAuth({ user: ACCOUNT_SID, pass: AUTH_TOKEN })
      .reply(302, '', { Location: `${STORAGE}/signed/photo.jpg` });
    // The storage gets no credentials (fetch drops Authorization on a redirect to another origin).
    const storage = nock(STORAGE, { badheaders: ['authorization'] })
      .get('/signed/photo.jpg')
      .reply(200, photo, { 'Content-Type': 'image/jpeg', 'Content-Length': String(photo.length) });

    const { replies, inbound } = await mms(`whatsapp:${mobile()}`, `${TWILIO}${path}`);
    expect(twilio.isDone() && storage.isDone()).toBe(true);
    expect(replies).not.toMatch(/pas pu etre recue/);
    const url = inbound.media?.[0]?.url ?? '';
    expect(url).toMatch(/^media:val-de-loue\//);
    const stored = await container.media.store.get(mediaKeyOf(url)!);
    expect(stored?.contentType).toBe('image/jpeg');
    expect(await exifr.gps(stored!.bytes)).toBeUndefined();
    expect(stored!.bytes.includes('Model X-Secret')).toBe(false);
  });

  it('tells the citizen when Twilio is too slow, and goes on with the conversation', async () => {
    const path = mediaPath();
    nock(TWILIO)
      .get(path)
      .delay(3000)
      .reply(200, await jpegWithGps(), { 'Content-Type': 'image/jpeg' });
    const from = mobile();
    await postSigned(container.app, PATH, smsParams({ From: from, Body: 'bonjour' })).expect(200);
    const { replies, inbound } = await mms(from, `${TWILIO}${path}`, 'image/jpeg', 'horaires de la piscine');
    // SMS is GSM-7: ê and ç (lower case) are not in its alphabet, so they lose their accent.
    expect(replies).toMatch(/Votre photo n'a pas pu etre recue\. Vous pouvez la renvoyer\./);
    expect(replies).toMatch(/piscine/i); // the bot's own answer still comes
    expect(inbound.media).toBeUndefined();
  });

  it('tells the citizen when Twilio answers an error', async () => {
    const path = mediaPath();
    nock(TWILIO).get(path).reply(503, 'unavailable');
    const { replies, inbound } = await mms(mobile(), `${TWILIO}${path}`);
    expect(replies).toMatch(/n'a pas pu etre recue/);
    expect(inbound.media).toBeUndefined();
  });

  it('refuses a photo above the limit, declared or streamed', async () => {
    const declared = mediaPath();
    nock(TWILIO)
      .get(declared)
      .reply(200, Buffer.alloc(MAX_BYTES + 1), {
        'Content-Type': 'image/jpeg',
        'Content-Length': String(MAX_BYTES + 1),
      });
    const first = await mms(mobile(), `${TWILIO}${declared}`);
    expect(first.replies).toMatch(/Votre photo est trop lourde \(plus de 0,1 Mo\)/);
    expect(first.inbound.media).toBeUndefined();

    // No Content-Length (chunked): the read stops at the limit.
    const streamed = mediaPath();
    const head = await jpegWithGps();
    nock(TWILIO)
      .get(streamed)
      .reply(200, () => Readable.from([head, Buffer.alloc(MAX_BYTES, 1)]), { 'Content-Type': 'image/jpeg' });
    const second = await mms(mobile(), `${TWILIO}${streamed}`);
    expect(second.replies).toMatch(/trop lourde/);
    expect(second.inbound.media).toBeUndefined();
  });

  it('refuses what is not a photo: a declared video (not even fetched), an HTML page served as the media', async () => {
    const video = await mms(mobile(), `${TWILIO}${mediaPath()}`, 'video/mp4');
    expect(video.replies).toMatch(/Seules les photos \(JPEG, PNG ou WebP\) sont acceptées/);

    const path = mediaPath();
    nock(TWILIO).get(path).reply(200, '<html>login</html>', { 'Content-Type': 'text/html' });
    const html = await mms(mobile(), `${TWILIO}${path}`);
    expect(html.replies).toMatch(/Seules les photos/);
    expect(html.inbound.media).toBeUndefined();

    // Declared a JPEG, served as one, but the bytes are not an image.
    const disguised = mediaPath();
    nock(TWILIO).get(disguised).reply(200, 'MZ not a jpeg', { 'Content-Type': 'image/jpeg' });
    expect((await mms(mobile(), `${TWILIO}${disguised}`)).replies).toMatch(/Seules les photos/);
  });

  it('never sends the account’s credentials to a host that is not Twilio’s', async () => {
    // No nock for this host: with the network closed, fetching it would fail the same way; the point is
    // that nothing is requested (nock would record an unmatched request as an error below).
    const { replies, inbound } = await mms(mobile(), 'https://evil.example/photo.jpg');
    expect(replies).toMatch(/n'a pas pu etre recue/);
    expect(inbound.media).toBeUndefined();
  });
});
