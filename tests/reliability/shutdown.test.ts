// Graceful shutdown of the real process: SIGTERM while a turn is in flight (held up by a slow address
// API) → the turn completes and its reply is delivered, new connections are refused at once, the
// process flushes, closes its connections and exits 0.
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { featureCollection, LILAS_12 } from '../conversations/ban-fixtures';
import { freePort } from '../support/servers';
import { httpWebchat, sleep, spawnServer, type ServerProcess } from './helpers';

const GEOCODER_DELAY_MS = 2500;

function connectionRefused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

describe('graceful shutdown', () => {
  let geocoder: http.Server;
  let geocoderHit: () => void = () => undefined;
  let dataDir: string;
  let server: ServerProcess | undefined;

  beforeAll(async () => {
    // A national address API that takes its time: the turn that asks it stays in flight.
    geocoder = http.createServer((req, res) => {
      geocoderHit();
      const q = new URL(req.url ?? '/', 'http://x').searchParams.get('q') ?? '';
      setTimeout(() => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(featureCollection(q, LILAS_12)));
      }, GEOCODER_DELAY_MS);
    });
    await new Promise<void>((resolve) => geocoder.listen(0, '127.0.0.1', resolve));
    dataDir = mkdtempSync(path.join(tmpdir(), 'guichet-shutdown-'));
  });
  afterAll(async () => {
    if (server && server.child.exitCode === null) server.child.kill('SIGKILL');
    geocoder.closeAllConnections();
    await new Promise((resolve) => geocoder.close(resolve));
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('finishes the turn in flight, delivers its reply, refuses new connections and exits 0', async () => {
    const address = geocoder.address() as net.AddressInfo;
    const port = await freePort();
    server = await spawnServer(
      {
        DATA_DIR: dataDir,
        GEOCODER_URL: `http://127.0.0.1:${address.port}`,
        GEOCODER_TIMEOUT_MS: '10000',
        WEBCHAT_SECRET: 'shutdown-test-secret',
        RETENTION_INTERVAL_MINUTES: '0',
      },
      port,
    );
    const post = httpWebchat(server.baseUrl);
    const warm = await post({ text: 'bonjour' }); // a keep-alive connection stays open, idle
    expect(warm.status).toBe(200);

    const asked = new Promise<void>((resolve) => (geocoderHit = resolve));
    const inFlight = post({ text: 'il y a un nid de poule devant le 12 rue des Lilas' });
    await asked; // the turn is now waiting on the address API
    server.child.kill('SIGTERM');
    await sleep(300);
    expect(await connectionRefused(port)).toBe(true);

    const reply = await inFlight;
    expect(reply.status).toBe(200);
    expect(reply.text).toMatch(/12 Rue des Lilas 25971 Montcey-sur-Loue/);
    expect(await server.exited).toEqual({ code: 0, signal: null });
    expect(server.logs.some((l) => l.includes('"msg":"bye"'))).toBe(true);
  }, 240_000);
});
