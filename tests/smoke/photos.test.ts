// Photos on the built server (`npm start`, embedded PGlite): the web chat's upload path as a browser uses it —
// sharp's native binary and exifr load from dist/, a phone photo is accepted with its position given back,
// the message carrying it is answered, and what is too large or not an image gets its French answer. Twice:
// photos in the database (the default), and in an S3-compatible bucket (`MEDIA_STORE=s3`, a real S3 server,
// s3rver, on loopback), where the stored object is then looked for.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';
import { freePort } from '../support/servers';
import { PHOTO_POSITION, jpegWithGps } from '../support/photos';
import { nonJsonLines, startBuiltServer, type BuiltServer } from './support';

const HOOK_TIMEOUT_MS = 180_000;
const MAX_BYTES = 64 * 1024;

let dataDir: string;
let bucketDir: string;
let s3: S3rver;
let server: BuiltServer | undefined;

/** Every file below `dir` (s3rver keeps each object as files under its bucket's folder). */
const filesBelow = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesBelow(path.join(dir, e.name)) : [path.join(dir, e.name)],
  );

describe.each([
  ['in the database', false],
  ['in an S3-compatible bucket', true],
])('photos %s', (_where, useS3) => {
  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'guichet-smoke-photos-'));
    let storage: Record<string, string> = {};
    if (useS3) {
      bucketDir = mkdtempSync(path.join(tmpdir(), 'guichet-smoke-s3-'));
      s3 = new S3rver({
        address: '127.0.0.1',
        port: 0,
        silent: true,
        directory: bucketDir,
        configureBuckets: [{ name: 'guichet-media', configs: [] }],
      });
      const address = (await s3.run()) as AddressInfo;
      storage = {
        MEDIA_STORE: 's3',
        S3_ENDPOINT: `http://127.0.0.1:${address.port}`,
        S3_REGION: 'fr-par',
        S3_BUCKET: 'guichet-media',
        S3_ACCESS_KEY_ID: 'S3RVER',
        S3_SECRET_ACCESS_KEY: 'S3RVER',
        S3_PREFIX: 'smoke/',
      };
    }
    server = await startBuiltServer(
      {
        NODE_ENV: 'production',
        DATA_DIR: dataDir,
        WEBCHAT_SECRET: 'smoke-photos-webchat-secret',
        MEDIA_MAX_BYTES: String(MAX_BYTES),
        ...storage,
      },
      await freePort(),
    );
  }, HOOK_TIMEOUT_MS);
  afterAll(async () => {
    await server?.stop();
    if (useS3) {
      await s3?.close();
      rmSync(bucketDir, { recursive: true, force: true });
    }
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
      // In the bucket when the territory's platform keeps photos there: the object, under the configured prefix.
      if (useS3)
        expect(filesBelow(path.join(bucketDir, 'guichet-media')).some((f) => f.includes('smoke'))).toBe(true);

      const message = await fetch(`${base}/channels/webchat/messages`, {
        method: 'POST',
        headers: json,
        body: JSON.stringify({
          tenant: 'demo',
          conversationId,
          token,
          text: '',
          media: [{ url: photo.url }],
        }),
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
});
