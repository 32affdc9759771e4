// The built server's calls to the address API (faked on loopback, recording what it receives): a pin placed again
// on the web chat is answered from memory, pins placed faster than GEOCODER_MAX_PER_SECOND (counted in Redis) get
// the coordinates alone rather than a call past the budget, and the metrics say how each lookup was answered.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { metricValue } from '../support/metrics';
import { freePort } from '../support/servers';
import { redisUrl } from '../support/services';
import { REPO_ROOT, startBuiltServer, type BuiltServer } from './support';

const HOOK_TIMEOUT_MS = 180_000;
jest.setTimeout(90_000);
const METRICS_TOKEN = 'smoke-geocoder-metrics-token-0123456789';
const REVERSE = readFileSync(path.join(REPO_ROOT, 'adapters/geocoder/fixtures/reverse-lilas.json'), 'utf8');

let dataDir: string;
let server: BuiltServer | undefined;
let api: http.Server;
let metricsPort: number;
/** The paths and query strings the fake address API received. */
const received: string[] = [];

beforeAll(async () => {
  api = http.createServer((req, res) => {
    received.push(req.url ?? '');
    res.writeHead(200, { 'content-type': 'application/json' }).end(REVERSE);
  });
  await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
  dataDir = mkdtempSync(path.join(tmpdir(), 'guichet-smoke-geocoder-'));
  server = await startBuiltServer(
    {
      NODE_ENV: 'production',
      DATA_DIR: dataDir,
      WEBCHAT_SECRET: 'smoke-geocoder-webchat-secret',
      GEOCODER_URL: `http://127.0.0.1:${(api.address() as AddressInfo).port}`,
      GEOCODER_MAX_PER_SECOND: '1',
      // The budget counted in Redis, as the instances of a platform share it (a database of its own).
      REDIS_URL: `${redisUrl().replace(/\/\d*$/, '')}/11`,
      METRICS_BIND: `127.0.0.1:${(metricsPort = await freePort())}`,
      METRICS_TOKEN,
    },
    await freePort(),
  );
}, HOOK_TIMEOUT_MS);
afterAll(async () => {
  await server?.stop();
  await new Promise((resolve) => api.close(resolve));
  rmSync(dataDir, { recursive: true, force: true });
}, HOOK_TIMEOUT_MS);

const addressUnder = async (lat: number, lon: number): Promise<string | null> => {
  const res = await fetch(`${server!.baseUrl}/channels/webchat/reverse?tenant=demo&lat=${lat}&lon=${lon}`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { label: string | null }).label;
};

const lookups = async (answer: string): Promise<number> => {
  const res = await fetch(`http://127.0.0.1:${metricsPort}/metrics`, {
    headers: { authorization: `Bearer ${METRICS_TOKEN}` },
  });
  return metricValue(await res.text(), `guichet_geocoder_lookups_total{answer="${answer}"}`);
};

test('a pin placed again is answered from memory: one call to the address API', async () => {
  expect(await addressUnder(47.1022, 6.051)).toBe('12 Rue des Lilas 25971 Montcey-sur-Loue');
  expect(await addressUnder(47.1022, 6.051)).toBe('12 Rue des Lilas 25971 Montcey-sur-Loue');
  expect(received.filter((url) => url.startsWith('/reverse/'))).toHaveLength(1);
  expect(await lookups('cache')).toBe(1);
  expect(await lookups('api')).toBe(1);
});

test('pins placed faster than the budget get no call past it: their coordinates alone', async () => {
  const before = received.length;
  const labels = await Promise.all([6.052, 6.053, 6.054].map((lon) => addressUnder(47.1022, lon)));
  // One call a second: at most one now and one after waiting for the next second; the third goes without.
  expect(received.length - before).toBeLessThanOrEqual(2);
  expect(labels.filter((label) => label === null).length).toBeGreaterThanOrEqual(1);
  expect(await lookups('over_budget')).toBe(3 - (received.length - before));
});
