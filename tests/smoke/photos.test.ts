// Photos on the built server (`npm start`, embedded PGlite): the web chat's upload path as a browser uses it —
// sharp's native binary and exifr load from dist/, a phone photo is accepted with its position given back,
// the message carrying it is answered, and what is too large or not an image gets its French answer.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '../support/servers';
import { PHOTO_POSITION, jpegWithGps } from '../support/photos';
import { nonJsonLines, startBuiltServer, type BuiltServer } from './support';

const HOOK_TIMEOUT_MS = 180_000;
const MAX_BYTES = 64 * 1024;

let dataDir: string;
let server: BuiltServer | undefined;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'guichet-smoke-photos-'));
  server = await startBuiltServer(
    {
      NODE_ENV: 'production',
      DATA_DIR: dataDir,
      WEBCHAT_SECRET: 'smoke-photos-webchat-secret',
      MEDIA_MAX_BYTES: String(MAX_BYTES),
    },
    await freePort(),
  );
}, HOOK_TIMEOUT_MS);
afterAll(async () => {
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
}, HOOK_TIMEOUT_MS);

const json = { 'Content-Type': 'application/json' };

it(
  'takes a web chat photo on the built server, and refuses what is too large or not an image',
  async () => {
    const base = server!.baseUrl;
    const first = await fetch(`${base}/channels/webchat/messages`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ text: 'bonjour', tenant: 'demo' }),
    });
    expect(first.status).toBe(200);
    const { conversationId, token } = (await first.json()) as { conversationId: string; token: string };
    const upload = (body: Buffer, type = 'image/jpeg') =>
      fetch(`${base}/channels/webchat/media?tenant=demo&conversationId=${conversationId}`, {
        method: 'POST',
        headers: { 'Content-Type': type, 'X-Conversation-Token': token },
        body: new Uint8Array(body),
      });

    const accepted = await upload(await jpegWithGps());
    expect(accepted.status).toBe(201);
    const photo = (await accepted.json()) as { url: string; position: { lat: number; lon: number } };
    expect(photo.url).toMatch(/^media:val-de-loue\//);
    expect(photo.position.lat).toBeCloseTo(PHOTO_POSITION.lat, 4);

    const message = await fetch(`${base}/channels/webchat/messages`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ tenant: 'demo', conversationId, token, text: '', media: [{ url: photo.url }] }),
    });
    expect(message.status).toBe(200);
    expect(((await message.json()) as { messages: unknown[] }).messages.length).toBeGreaterThan(0);

    const tooLarge = await upload(Buffer.alloc(MAX_BYTES + 1, 1));
    expect(tooLarge.status).toBe(413);
    expect(((await tooLarge.json()) as { error: { message: string } }).error.message).toBe(
      'La photo dépasse la taille maximale (0,1 Mo).',
    );
    const notImage = await upload(Buffer.from('<html>not a photo</html>'));
    expect(notImage.status).toBe(415);
    expect(nonJsonLines(server!.logs)).toEqual([]);
  },
  HOOK_TIMEOUT_MS,
);
