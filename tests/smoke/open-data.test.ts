// The built server (dist/, started as `npm start` does) serves the public page of a territory, its map data
// and assets, and the open-data files, without sign-in; a question the bot cannot answer on the web chat
// reaches the supervisors' knowledge gaps, redacted.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '../support/servers';
import { startBuiltServer, type BuiltServer } from './support';

const HOOK_TIMEOUT_MS = 180_000;
jest.setTimeout(90_000);
const ADMIN_TOKEN = 'smoke-admin-token-0123456789abcdef';
const TENANT = 'val-de-loue';

let dataDir: string;
let server: BuiltServer | undefined;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'guichet-smoke-opendata-'));
  server = await startBuiltServer(
    {
      NODE_ENV: 'production',
      DATA_DIR: dataDir,
      ADMIN_TOKEN,
      WEBCHAT_SECRET: 'smoke-open-data-webchat-secret',
      OPEN_DATA_K_ANONYMITY: '3',
    },
    await freePort(),
  );
}, HOOK_TIMEOUT_MS);
afterAll(async () => {
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
}, HOOK_TIMEOUT_MS);

const get = (p: string, headers: Record<string, string> = {}) => fetch(`${server!.baseUrl}${p}`, { headers });

test('the public page, its map and its assets are served without sign-in', async () => {
  const page = await get(`/territoire/${TENANT}/`);
  expect(page.status).toBe(200);
  expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
  const html = await page.text();
  expect(html).toMatch(/Les demandes des usagers et leur traitement/);
  expect(html).toMatch(/un nombre inférieur à 3 n’est jamais publié/);
  for (const asset of [
    '/territoire/assets/carte.js',
    '/territoire/assets/territoire.css',
    '/territoire/assets/leaflet/leaflet.js',
  ])
    expect((await get(asset)).status).toBe(200);
  const map = await get(`/territoire/${TENANT}/carte.json`);
  expect(await map.json()).toEqual({ points: [], truncated: false });
});

test('the open-data files are served at their stable URLs', async () => {
  const csv = await get(`/open-data/${TENANT}/requests-daily.csv`);
  expect(csv.status).toBe(200);
  expect(csv.headers.get('access-control-allow-origin')).toBe('*');
  expect((await csv.text()).split('\r\n')[0]).toMatch(/^date,type_demande,categorie,/);
  const schema = (await (await get(`/open-data/${TENANT}/requests-daily.schema.json`)).json()) as {
    fields: { name: string }[];
  };
  expect(schema.fields.map((f) => f.name)).toContain('secret_statistique');
  const pkg = (await (await get(`/open-data/${TENANT}/datapackage.json`)).json()) as {
    licenses: { name: string }[];
  };
  expect(pkg.licenses[0]!.name).toBe('etalab-2.0');
});

test('an unanswered question on the web chat is a knowledge gap, without the phone number', async () => {
  const res = await fetch(`${server!.baseUrl}/channels/webchat/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      text: 'Le refuge pour chats accepte-t-il les adoptions ? Mon numéro : 06 12 34 56 78',
    }),
  });
  expect(res.status).toBe(200);
  const gaps = await get(`/api/v1/knowledge-gaps?tenant=${TENANT}`, {
    Authorization: `Bearer ${ADMIN_TOKEN}`,
  });
  expect(gaps.status).toBe(200);
  const body = (await gaps.json()) as { groups: { question: string; count: number }[] };
  expect(body.groups).toEqual([
    expect.objectContaining({
      count: 1,
      question: expect.stringMatching(/refuge pour chats.*\[téléphone\]/),
    }),
  ]);
});
