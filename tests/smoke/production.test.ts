// Production smoke test: the compiled dist/ started with package.json's start command, once per
// configuration, each serving real turns on the built code:
// - embedded (PGlite + memory): web chat, signed SMS answered in TwiML, a call's <Gather>;
// - Redis + PostgreSQL servers: web chat, and an SMS whose reply goes through Twilio's REST API (a local fake);
//   its Prometheus metrics on an address of their own (METRICS_BIND), behind a bearer token;
// - Bot Framework (anonymous, development) + a language model (openai-compatible, a local fake): an activity
//   on /api/messages answered to its serviceUrl, and a knowledge answer written by the model; its territory
//   names a WhatsApp menu template, sent through the Twilio REST API (the local fake).
// Every server writes only JSON log lines. Servers start in parallel; the build is shared (global setup).
import { mkdtempSync, readdirSync, readFileSync, cpSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import twilio from 'twilio';
import {
  ACCOUNT_SID,
  AUTH_TOKEN,
  DEMO_NUMBER,
  parseTwiml,
  sid,
  smsParams,
  spokenOf,
  messagesOf,
  voiceParams,
} from '../channels/twilio-helpers';
import { freePort } from '../support/servers';
import { metricValue } from '../support/metrics';
import { databaseUrl, describeWith, redisUrl, uniqueSuffix } from '../support/services';
import {
  eventually,
  fakeServer,
  nonJsonLines,
  REPO_ROOT,
  startBuiltServer,
  type BuiltServer,
  type FakeServer,
} from './support';

const HOOK_TIMEOUT_MS = 180_000;
// Each check is one or two requests, but a busy 2-core machine can slow a first turn a lot.
jest.setTimeout(90_000);
const TOWN_HALL = /mairie de Montcey-sur-Loue/i;
const QUESTION = 'Comment obtenir une copie de mon acte de naissance ?';
const MODEL_ANSWER =
  'Faites la demande à la mairie de votre commune de naissance, en ligne ou au guichet : c’est gratuit.';
const LEVELS_TEMPLATE = `HX${'5c'.repeat(16)}`;
const BIRTH_CERTIFICATE_URL = 'https://www.service-public.fr/particuliers/vosdroits/F1427';
const services = {
  redis: process.env.GUICHET_REDIS_AVAILABLE === '1',
  postgres: process.env.GUICHET_POSTGRES_AVAILABLE === '1',
};

/** The bytes the fake Twilio serves as a caller's voice message. */
const VOICE_MESSAGE_AUDIO = 'ID3-smoke-voice-message';

let suffix = 0;
/** A French mobile number of its own for each conversation (rate limits and state are per sender). */
const mobile = (): string =>
  `+3376${String(process.pid % 10_000).padStart(4, '0')}${String(++suffix).padStart(3, '0')}`;

// --- the outside world, faked on loopback -------------------------------------------------------------
let model: FakeServer;
let twilioApi: FakeServer;
let connector: FakeServer;

function startFakes(): Promise<[FakeServer, FakeServer, FakeServer]> {
  return Promise.all([
    // An OpenAI-compatible API: every chat completion answers from the passages it was given.
    fakeServer((req) =>
      req.path === '/v1/chat/completions'
        ? {
            status: 200,
            body: {
              id: 'cmpl-smoke',
              object: 'chat.completion',
              created: 1767225600,
              model: 'smoke-model',
              choices: [
                {
                  index: 0,
                  message: {
                    role: 'assistant',
                    content: JSON.stringify({ status: 'answered', answer: MODEL_ANSWER, sources: [1] }),
                  },
                  finish_reason: 'stop',
                },
              ],
              usage: { prompt_tokens: 120, completion_tokens: 30, total_tokens: 150 },
            },
          }
        : { status: 404, body: { error: { message: `no ${req.path}` } } },
    ),
    // Twilio's Messages resource, and the recordings of voice messages (GET …/Recordings/{sid}.mp3).
    fakeServer((req) => {
      const form = new URLSearchParams(req.body);
      if (req.method === 'GET' && req.path.startsWith(`/2010-04-01/Accounts/${ACCOUNT_SID}/Recordings/`))
        return { status: 200, body: VOICE_MESSAGE_AUDIO, contentType: 'audio/mpeg' };
      return req.method === 'POST' && req.path === `/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`
        ? {
            status: 201,
            body: {
              account_sid: ACCOUNT_SID,
              sid: `SM${'0'.repeat(24)}${String(Date.now()).slice(-8)}`,
              status: 'queued',
              to: form.get('To'),
              from: form.get('From'),
              body: form.get('Body'),
            },
          }
        : { status: 404, body: { code: 20404, message: 'not found' } };
    }),
    // A Bot Framework connector (the activity's serviceUrl): replies are POSTed to its conversations.
    fakeServer(() => ({ status: 200, body: { id: `reply-${Date.now()}` } })),
  ]);
}

// --- the configurations ------------------------------------------------------------------------------
const servers: Record<'embedded' | 'servers' | 'botAndModel', BuiltServer | undefined> = {
  embedded: undefined,
  servers: undefined,
  botAndModel: undefined,
};
const dirs: string[] = [];
let database: { admin: string; name: string } | undefined;

const tempDir = (name: string): string => {
  const dir = mkdtempSync(path.join(tmpdir(), `guichet-smoke-${name}-`));
  dirs.push(dir);
  return dir;
};

async function twilioEnv(port: number): Promise<Record<string, string>> {
  return {
    TWILIO_ACCOUNT_SID: ACCOUNT_SID,
    TWILIO_AUTH_TOKEN: AUTH_TOKEN,
    TWILIO_API_BASE_URL: twilioApi.url,
    PUBLIC_URL: `http://127.0.0.1:${port}`,
  };
}

/** The platform administrator of the embedded server (the desk intake smoke test files through the API). */
const SMOKE_ADMIN_TOKEN = 'smoke-admin-token-0123456789abcdef';

async function startEmbedded(): Promise<BuiltServer> {
  const port = await freePort();
  return startBuiltServer(
    {
      NODE_ENV: 'production',
      DATA_DIR: tempDir('embedded'),
      ADMIN_TOKEN: SMOKE_ADMIN_TOKEN,
      // Out of reach (a closed loopback port), whether or not the machine has internet.
      GEOCODER_URL: 'http://127.0.0.1:9',
      ...(await twilioEnv(port)),
    },
    port,
  );
}

const METRICS_TOKEN = 'smoke-metrics-token-0123456789abcdef';
let metricsPort = 0;

/** A database of its own on the PostgreSQL server (dropped afterwards), and a Redis database number. */
async function startOnServers(): Promise<BuiltServer> {
  const admin = databaseUrl();
  const name = `guichet_smoke_${uniqueSuffix()}`.toLowerCase();
  const client = new Client({ connectionString: admin });
  await client.connect();
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  database = { admin, name };
  const url = new URL(admin);
  url.pathname = `/${name}`;
  const port = await freePort();
  return startBuiltServer(
    {
      NODE_ENV: 'production',
      DATA_DIR: tempDir('servers'),
      DATABASE_URL: url.toString(),
      REDIS_URL: `${redisUrl().replace(/\/\d*$/, '')}/9`,
      // Every SMS reply goes through the REST API (as when a turn misses Twilio's deadline).
      TWILIO_REPLY_DEADLINE_MS: '0',
      METRICS_BIND: `127.0.0.1:${(metricsPort = await freePort())}`,
      METRICS_TOKEN,
      // Two territories and room for one in each cache, as on a platform whose territories take turns.
      TERRITORY_DIR: [
        path.join(REPO_ROOT, 'knowledge/territories'),
        path.join(REPO_ROOT, 'knowledge/fixtures/territories'),
      ].join(path.delimiter),
      TERRITORY_CACHE_SIZE: '1',
      FAQ_CACHE_SIZE: '1',
      ...(await twilioEnv(port)),
    },
    port,
  );
}

async function startWithBotAndModel(): Promise<BuiltServer> {
  // The demo territory, opted in to the language model.
  const territories = tempDir('territories');
  const demo = path.join(territories, 'val-de-loue');
  cpSync(path.join(REPO_ROOT, 'knowledge/territories/val-de-loue'), demo, { recursive: true });
  const file = path.join(demo, 'territory.json');
  writeFileSync(
    file,
    JSON.stringify({
      ...JSON.parse(readFileSync(file, 'utf8')),
      llm: { enabled: true },
      // WhatsApp menus of 8 choices (the school levels) as a Content API list picker.
      whatsapp: { menuTemplates: [{ kind: 'list-picker', contentSid: LEVELS_TEMPLATE, choices: 8 }] },
    }),
  );
  const port = await freePort();
  return startBuiltServer(
    {
      NODE_ENV: 'development',
      DATA_DIR: tempDir('bot'),
      TERRITORY_DIR: territories,
      BOTFRAMEWORK_ALLOW_ANONYMOUS: 'true',
      LLM_PROVIDER: 'openai-compatible',
      LLM_BASE_URL: `${model.url}/v1`,
      LLM_API_KEY: 'smoke-key',
      LLM_MODEL: 'smoke-model',
      ...(await twilioEnv(port)),
    },
    port,
  );
}

beforeAll(async () => {
  [model, twilioApi, connector] = await startFakes();
  const [embedded, onServers, botAndModel] = await Promise.all([
    startEmbedded(),
    services.redis && services.postgres ? startOnServers() : Promise.resolve(undefined),
    startWithBotAndModel(),
  ]);
  Object.assign(servers, { embedded, servers: onServers, botAndModel });
}, HOOK_TIMEOUT_MS);

afterAll(async () => {
  await Promise.all(Object.values(servers).map((s) => s?.stop()));
  await Promise.all([model, twilioApi, connector].map((f) => f?.close()));
  if (database) {
    const client = new Client({ connectionString: database.admin });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS ${database.name} WITH (FORCE)`);
    await client.end();
  }
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
}, HOOK_TIMEOUT_MS);

// --- the channels, as their providers call them --------------------------------------------------------
async function webchat(server: BuiltServer, text: string, tenant?: string): Promise<string> {
  const res = await fetch(`${server.baseUrl}/channels/webchat/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ text, ...(tenant ? { tenant } : {}) }),
  });
  expect(res.status).toBe(200);
  return JSON.stringify(((await res.json()) as { messages: unknown[] }).messages);
}

/** A webhook signed with the twilio library, for the URL Twilio would call (PUBLIC_URL + path). */
async function twilioWebhook(server: BuiltServer, url: string, params: Record<string, string>) {
  const absolute = new URL(url, server.baseUrl).toString();
  const res = await fetch(absolute, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': twilio.getExpectedTwilioSignature(AUTH_TOKEN, absolute, params),
    },
    body: new URLSearchParams(params).toString(),
  });
  const bytes = Buffer.from(await res.arrayBuffer());
  return {
    status: res.status,
    type: res.headers.get('content-type') ?? '',
    length: Number(res.headers.get('content-length')),
    bytes: bytes.length,
    text: bytes.toString('utf8'),
  };
}

function expectOnlyJsonLogs(server: BuiltServer | undefined): void {
  expect(nonJsonLines(server!.logs)).toEqual([]);
}

describe('the build', () => {
  it('keeps no native import() of a relative path in dist/ (Node refuses directory imports in them)', () => {
    const offending: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(file);
        else if (entry.name.endsWith('.js') && /\bimport\(\s*["'`]\.{1,2}\//.test(readFileSync(file, 'utf8')))
          offending.push(path.relative(REPO_ROOT, file));
      }
    };
    walk(path.join(REPO_ROOT, 'dist'));
    expect(offending).toEqual([]);
  });
});

describe('built server, embedded database (the default)', () => {
  it('serves the request page with its map library and settings, the tiles allowed by the CSP', async () => {
    const base = servers.embedded!.baseUrl;
    const page = await fetch(`${base}/console/demande.html`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('/console/vendor/leaflet/leaflet.js');
    expect(page.headers.get('content-security-policy')).toContain('https://tile.openstreetmap.org');
    const leaflet = await fetch(`${base}/console/vendor/leaflet/leaflet.js`);
    expect(leaflet.status).toBe(200);
    expect(await leaflet.text()).toMatch(/Leaflet/);
    expect((await fetch(`${base}/console/vendor/leaflet/leaflet.css`)).status).toBe(200);
    expect(await (await fetch(`${base}/console/map-settings.json`)).json()).toMatchObject({
      tileUrl: 'https://tile.openstreetmap.org/{z}/{x}/{y}.png',
    });
  });

  it('serves the dashboard with its chart library and the indicators as a CSV file', async () => {
    const base = servers.embedded!.baseUrl;
    const page = await (await fetch(`${base}/console/`)).text();
    expect(page).toContain('/console/vendor/chart.js/chart.umd.min.js');
    expect(page).toContain('/console/indicators.js');
    const chart = await fetch(`${base}/console/vendor/chart.js/chart.umd.min.js`);
    expect(chart.status).toBe(200);
    expect(await chart.text()).toMatch(/Chart\.js/);
    const csv = await fetch(
      `${base}/api/v1/indicators/export.csv?tenant=val-de-loue&from=2026-01-01&to=2026-02-01`,
      {
        headers: { Authorization: `Bearer ${SMOKE_ADMIN_TOKEN}` },
      },
    );
    expect(csv.status).toBe(200);
    expect(await csv.text()).toContain('Synthèse;Demandes reçues;0;nombre;');
  });

  it('answers the web chat', async () => {
    expect(await webchat(servers.embedded!, 'Quels sont les horaires de la mairie ?')).toMatch(TOWN_HALL);
  });

  it('opens the web chat with its greeting, serves its map library, and names no place when the address API is out of reach', async () => {
    const base = servers.embedded!.baseUrl;
    const config = (await (await fetch(`${base}/channels/webchat/config?tenant=demo&locale=fr`)).json()) as {
      greeting: { choices: { value: string }[] };
      privacyUrl: string;
    };
    expect(config.greeting.choices.map((c) => c.value)).toContain('intent:report_incident');
    expect((await fetch(new URL(config.privacyUrl, base))).status).toBe(200);
    const leaflet = await fetch(`${base}/channels/webchat/vendor/leaflet/leaflet.js`);
    expect(leaflet.status).toBe(200);
    expect(await leaflet.text()).toMatch(/Leaflet/);
    const reverse = await fetch(`${base}/channels/webchat/reverse?tenant=demo&lat=47.1&lon=6.05`);
    expect(reverse.status).toBe(200);
    expect(await reverse.json()).toEqual({ label: null });
  });

  it('files a request at the counter with the bot’s form and texts the receipt through Twilio', async () => {
    const base = servers.embedded!.baseUrl;
    expect((await fetch(`${base}/console/accueil.html`)).status).toBe(200);
    expect((await fetch(`${base}/console/recu.html`)).status).toBe(200);
    const field = await fetch(`${base}/console/terrain.html`);
    expect(field.status).toBe(200);
    expect(await field.text()).toContain('/console/terrain.js');
    const to = mobile();
    const res = await fetch(`${base}/api/v1/desk/requests?tenant=val-de-loue`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${SMOKE_ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        service: 'report_incident',
        channel: 'phone',
        fields: {
          category: 'category:proprete',
          // No address API is reachable here: the commune given places the report.
          location: 'près du stade',
          commune: 'commune:verniere',
          description: 'Dépôt sauvage de gravats près du stade',
          contact: `0${to.slice(3)}`,
        },
      }),
    });
    expect(res.status).toBe(201);
    const filed = (await res.json()) as { reference: string; sms: string };
    expect(filed.sms).toBe('queued');
    const sent = await eventually(
      () =>
        twilioApi.requests.find(
          (r) =>
            new URLSearchParams(r.body).get('To') === to &&
            (new URLSearchParams(r.body).get('Body') ?? '').includes(filed.reference),
        ),
      'the SMS receipt',
    );
    expect(new URLSearchParams(sent.body).get('Body')).toMatch(/Votre signalement est enregistré/);
  });

  it('answers a signed SMS in TwiML', async () => {
    const res = await twilioWebhook(
      servers.embedded!,
      '/channels/twilio/sms',
      smsParams({ From: mobile(), Body: 'horaires de la mairie ?' }),
    );
    expect(res.status).toBe(200);
    expect(res.type).toBe('text/xml; charset=utf-8');
    // Accented French (the privacy notice of a first message) counted in bytes: the answer is whole.
    expect(res.text).toMatch(/[éèàç]/);
    expect(res.length).toBe(res.bytes);
    expect(messagesOf(res.text).join('\n')).toMatch(TOWN_HALL);
  });

  it('answers a call and what the caller says at the <Gather>', async () => {
    const from = mobile();
    const callSid = sid('CA');
    const start = await twilioWebhook(
      servers.embedded!,
      '/channels/twilio/voice',
      voiceParams(callSid, from),
    );
    expect(start.status).toBe(200);
    const gather = parseTwiml(start.text).Gather?.[0];
    expect(gather?.action).toBeTruthy();
    const answer = await twilioWebhook(
      servers.embedded!,
      gather!.action,
      voiceParams(callSid, from, { SpeechResult: 'les horaires de la mairie', Confidence: '0.93' }),
    );
    expect(answer.status).toBe(200);
    expect(spokenOf(answer.text)).toMatch(TOWN_HALL);
  });

  it('a caller no agent can take leaves a voice message, and an agent listens to it from the back office', async () => {
    const server = servers.embedded!;
    const from = mobile();
    const callSid = sid('CA');
    const start = await twilioWebhook(server, '/channels/twilio/voice', voiceParams(callSid, from));
    let twiml = (
      await twilioWebhook(
        server,
        parseTwiml(start.text).Gather![0]!.action,
        voiceParams(callSid, from, { Digits: '4' }),
      )
    ).text;
    // The server runs on the real clock: during the agents' hours the transfer comes first, unanswered here.
    const dial = parseTwiml(twiml).Dial?.[0];
    if (dial && typeof dial === 'object' && dial.action)
      twiml = (
        await twilioWebhook(server, dial.action, voiceParams(callSid, from, { DialCallStatus: 'no-answer' }))
      ).text;
    expect(spokenOf(twiml)).toMatch(/Pour laisser un message vocal, tapez 2/);
    twiml = (
      await twilioWebhook(
        server,
        parseTwiml(twiml).Gather![0]!.action,
        voiceParams(callSid, from, { Digits: '2' }),
      )
    ).text;
    const record = parseTwiml(twiml).Record![0]!;
    const recordingSid = sid('CA').replace(/^CA/, 'RE');
    const stored = await twilioWebhook(server, record.recordingStatusCallback!, {
      AccountSid: ACCOUNT_SID,
      CallSid: callSid,
      RecordingSid: recordingSid,
      RecordingStatus: 'completed',
      RecordingDuration: '7',
    });
    expect(stored.status).toBe(204);

    const auth = { Authorization: `Bearer ${SMOKE_ADMIN_TOKEN}` };
    const list = await fetch(`${server.baseUrl}/api/v1/conversations?tenant=val-de-loue&state=queue`, {
      headers: auth,
    });
    const page = (await list.json()) as { items: { id: string; address: string }[] };
    const conversation = page.items.find((c) => c.address === callSid);
    expect(conversation).toBeDefined();
    const audio = await fetch(
      `${server.baseUrl}/api/v1/conversations/${conversation!.id}/voice-messages/${recordingSid}?tenant=val-de-loue`,
      { headers: auth },
    );
    expect(audio.status).toBe(200);
    expect(audio.headers.get('content-type')).toBe('audio/mpeg');
    expect(await audio.text()).toBe(VOICE_MESSAGE_AUDIO);
    const fetched = twilioApi.requests.find((r) => r.path.includes(`/Recordings/${recordingSid}.mp3`));
    expect(fetched?.headers.authorization).toBe(
      `Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64')}`,
    );
  });

  it('logs JSON lines only', () => expectOnlyJsonLogs(servers.embedded));
});

describeWith('redis', 'built server on Redis', () => {
  describeWith('postgres', 'and PostgreSQL servers', () => {
    it('answers the web chat', async () => {
      expect(await webchat(servers.servers!, 'Quels sont les horaires de la mairie ?')).toMatch(TOWN_HALL);
    });

    it('answers each territory from its own FAQ while they take turns in caches of one (TERRITORY_CACHE_SIZE, FAQ_CACHE_SIZE)', async () => {
      const question = "Comment faire ma carte d'identité ?";
      for (let round = 0; round < 2; round++) {
        expect(await webchat(servers.servers!, question, 'autre')).toContain('Pointe-aux-Hérons');
        expect(await webchat(servers.servers!, question)).toContain('Montcey-sur-Loue');
      }
    });

    it('acknowledges an SMS at once and sends the reply through the Twilio REST API', async () => {
      const from = mobile();
      const res = await twilioWebhook(
        servers.servers!,
        '/channels/twilio/sms',
        smsParams({ From: from, Body: 'horaires de la mairie ?' }),
      );
      expect(res.status).toBe(200);
      expect(messagesOf(res.text)).toEqual([]);
      // The privacy notice of a first message, then the answer.
      const sent = await eventually(
        () =>
          twilioApi.requests.find(
            (r) =>
              new URLSearchParams(r.body).get('To') === from &&
              TOWN_HALL.test(new URLSearchParams(r.body).get('Body') ?? ''),
          ),
        'the REST send of the answer',
      );
      expect(new URLSearchParams(sent.body).get('From')).toBe(DEMO_NUMBER);
      // Authenticated as Twilio expects: the account SID and auth token.
      expect(sent.headers.authorization).toBe(
        `Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64')}`,
      );
    });

    it('serves its metrics on METRICS_BIND to the token only: the turns answered, their stages, the pools', async () => {
      const url = `http://127.0.0.1:${metricsPort}/metrics`;
      expect((await fetch(url)).status).toBe(401);
      expect((await fetch(url, { headers: { authorization: 'Bearer wrong-token' } })).status).toBe(401);
      // Not on the public port: citizens and agents never see them.
      expect((await fetch(`${servers.servers!.baseUrl}/metrics`)).status).toBe(404);
      const res = await fetch(url, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      const text = await res.text();
      const value = (series: string): number => metricValue(text, series);
      // The web chat's and the SMS's turns of the tests above, answered by the dialogue.
      expect(value('guichet_turns_total{channel="webchat",outcome="answered"}')).toBeGreaterThanOrEqual(1);
      expect(value('guichet_turns_total{channel="sms",outcome="answered"}')).toBeGreaterThanOrEqual(1);
      expect(value('guichet_turn_duration_seconds_count{channel="sms"}')).toBeGreaterThanOrEqual(1);
      for (const stage of ['coordination', 'load', 'understand', 'dialogue', 'commit', 'state'])
        expect(value(`guichet_turn_stage_duration_seconds_count{stage="${stage}"}`)).toBeGreaterThanOrEqual(
          2,
        );
      expect(value('guichet_territories')).toBe(2);
      // The two territories' turns above took turns in caches of one: each of their FAQs was parsed again.
      expect(value('guichet_territories_parsed')).toBe(1);
      expect(value('guichet_territory_inflations_total')).toBeGreaterThanOrEqual(3);
      expect(value('guichet_territory_faqs_parsed')).toBe(1);
      expect(value('guichet_territory_faq_inflations_total')).toBeGreaterThanOrEqual(3);
      expect(value('guichet_db_pool_connections{pool="main"}')).toBeGreaterThanOrEqual(1);
      // Read from PostgreSQL at the scrape: a number (NaN would say the query failed).
      expect(value('guichet_outbox_pending')).toBeGreaterThanOrEqual(0);
      expect(value('process_cpu_seconds_total')).toBeGreaterThan(0);
      const listed = servers.servers!.logs.find((l) => l.includes('metrics served'))!;
      expect(JSON.parse(listed)).toMatchObject({ url, scrapersMustAuthenticate: true });
    });

    it('says which stores it runs on, and logs JSON lines only', () => {
      const listening = servers.servers!.logs.find((l) => l.includes('Guichet is listening'))!;
      expect(JSON.parse(listening)).toMatchObject({ store: 'postgresql (pg)', state: 'redis' });
      expectOnlyJsonLogs(servers.servers);
    });
  });
});

describe('built server with Bot Framework (anonymous, development) and a language model', () => {
  it('answers an activity on /api/messages to its serviceUrl', async () => {
    const conversationId = `smoke-${uniqueSuffix()}`;
    const res = await fetch(`${servers.botAndModel!.baseUrl}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'message',
        id: 'act-1',
        channelId: 'emulator',
        serviceUrl: `${connector.url}/`,
        timestamp: new Date().toISOString(),
        from: { id: 'user-1', name: 'Camille' },
        recipient: { id: 'guichet', name: 'Guichet' },
        conversation: { id: conversationId },
        text: 'Quels sont les horaires de la mairie ?',
        locale: 'fr-FR',
      }),
    });
    expect(res.status).toBe(200);
    const replies = await eventually(() => {
      const found = connector.requests.filter((r) => r.path.includes(`/v3/conversations/${conversationId}/`));
      return found.some((r) => TOWN_HALL.test(r.body)) ? found : undefined;
    }, 'the reply to the connector');
    expect(replies[0]!.method).toBe('POST');
  });

  it('answers a knowledge question with the model’s text, grounded on the FAQ, with the source link', async () => {
    const before = model.requests.length;
    const messages = await webchat(servers.botAndModel!, QUESTION);
    const calls = model.requests.slice(before).filter((r) => r.path === '/v1/chat/completions');
    expect(calls.length).toBeGreaterThanOrEqual(1);
    const sent = JSON.parse(calls.at(-1)!.body) as { model: string; messages: { content: string }[] };
    expect(sent.model).toBe('smoke-model');
    // The model was given the FAQ passage and the question…
    expect(sent.messages.map((m) => m.content).join('\n')).toContain(QUESTION);
    expect(sent.messages.map((m) => m.content).join('\n')).toContain(
      'Demandez-le à la mairie de votre commune de naissance',
    );
    // …and the citizen got its answer, with our link to the source (typeset: a no-break space before ":").
    expect(JSON.parse(messages)).toContainEqual({
      type: 'link',
      text: MODEL_ANSWER.replace(' :', '\u00a0:'),
      url: BIRTH_CERTIFICATE_URL,
    });
  });

  it('sends a WhatsApp menu as the territory’s Content API template through the Twilio REST API', async () => {
    const from = mobile();
    const say = (Body: string) =>
      twilioWebhook(
        servers.botAndModel!,
        '/channels/twilio/sms',
        smsParams({ From: `whatsapp:${from}`, Body }),
      );
    for (const body of ['je voudrais inscrire mon fils à l’école', 'Lucas Martin'])
      expect((await say(body)).status).toBe(200);
    const levels = await say('12/03/2019');
    expect(messagesOf(levels.text)).toEqual([]);
    const sent = await eventually(
      () =>
        twilioApi.requests.find(
          (r) =>
            new URLSearchParams(r.body).get('To') === `whatsapp:${from}` &&
            new URLSearchParams(r.body).get('ContentSid') === LEVELS_TEMPLATE,
        ),
      'the REST send of the list picker',
    );
    expect(JSON.parse(new URLSearchParams(sent.body).get('ContentVariables')!)).toMatchObject({
      '1': expect.stringMatching(/classe/),
      '2': 'Petite section',
      '9': 'CM2',
    });
  });

  it('logs JSON lines only', () => expectOnlyJsonLogs(servers.botAndModel));
});
