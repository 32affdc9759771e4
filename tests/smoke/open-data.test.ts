// The built server (dist/, started as `npm start` does) serves the public page of a territory, its map data
// and assets, and the open-data files, without sign-in; a question the bot cannot answer on the web chat
// reaches the supervisors' knowledge gaps, redacted; a satisfaction answer after an agent reaches the indicators.
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
      // A platform's setting: the daily build at a quiet hour rather than a minute after each start.
      OPEN_DATA_REFRESH_AT: '03:30',
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

test('the daily build is scheduled at the time set, on the territory clock it names', () => {
  const line = server!.logs.find((l) => l.includes('figures built every day at a set time'));
  expect(line).toBeDefined();
  const { at, timeZone, next } = JSON.parse(line!) as { at: string; timeZone: string; next: string };
  expect([at, timeZone]).toEqual(['03:30', 'Europe/Paris']);
  const inParis = new Intl.DateTimeFormat('fr-FR', { timeZone, hour: '2-digit', minute: '2-digit' });
  expect(inParis.format(new Date(next))).toBe('03:30');
  const ahead = Date.parse(next) - Date.now();
  expect(ahead).toBeGreaterThan(0);
  expect(ahead).toBeLessThanOrEqual(25 * 3_600_000);
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
  const satisfaction = await get(`/open-data/${TENANT}/satisfaction.csv`);
  expect(satisfaction.status).toBe(200);
  expect((await satisfaction.text()).split('\r\n')[0]).toBe(
    'debut,fin,reponses,part_satisfaits,note_moyenne,secret_statistique',
  );
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

test('after an agent releases a web chat conversation, the citizen rates it and the indicators count it', async () => {
  const api = (p: string, token: string, method = 'GET') =>
    fetch(`${server!.baseUrl}/api/v1${p}`, { method, headers: { Authorization: `Bearer ${token}` } });
  const chat = async (body: Record<string, unknown>) => {
    const res = await fetch(`${server!.baseUrl}/channels/webchat/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(200);
    return (await res.json()) as { conversationId: string; token: string; messages: unknown[] };
  };
  const first = await chat({ text: 'Je voudrais parler à un agent' });
  const issued = await fetch(`${server!.baseUrl}/api/v1/tokens`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ role: 'supervisor', tenantId: TENANT, name: 'Marie' }),
  });
  const { token } = (await issued.json()) as { token: string };
  const list = (await (await api(`/conversations?owner=queue`, token)).json()) as { items: { id: string }[] };
  const id = list.items[0]!.id;
  expect((await api(`/conversations/${id}/takeover`, token, 'POST')).status).toBe(200);
  expect((await api(`/conversations/${id}/release`, token, 'POST')).status).toBe(200);

  const session = { conversationId: first.conversationId, token: first.token };
  const scored = await chat({ text: '4', choiceValue: 'satisfaction:4', ...session });
  expect(JSON.stringify(scored.messages)).toContain('Un commentaire');
  await chat({ text: 'non', ...session });

  // Days of the territory (Europe/Paris), not of UTC: between 23:00 and midnight UTC they differ.
  const parisDay = (t: number) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(t);
  const today = parisDay(Date.now());
  const tomorrow = parisDay(Date.now() + 86_400_000);
  const view = (await (await api(`/indicators?from=${today}&to=${tomorrow}`, token)).json()) as {
    satisfaction: { count: number; satisfied: number };
  };
  expect(view.satisfaction).toMatchObject({ count: 1, satisfied: 1 });
});
