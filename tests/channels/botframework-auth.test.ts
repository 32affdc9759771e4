// POST /api/messages with real Bot Framework authentication: botbuilder validates the JWT (issuer, audience =
// our app id, signature against the keys of the OpenID metadata, channel endorsement). The metadata and keys
// come from nock (a locally generated RSA key); the reply goes back to the activity's serviceUrl (nocked
// connector), with a token obtained from the (nocked) Microsoft login endpoint.
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import express from 'express';
import nock from 'nock';
import request from 'supertest';
import { silentLogger } from '../../bot/logger';
import { MemoryIdempotencyStore, MemoryStateStore } from '../../adapters/memory';
import {
  createBotFrameworkChannel,
  publishToBotConversation,
  type BotFrameworkChannel,
} from '../../channels/botframework';
import { jsonErrorHandler, notFoundHandler } from '../../server/http-errors';
import type { Container } from '../../server/container';
import { createTestContainer, DEMO_TENANT } from '../support/harness';

// Building or closing a container (PGlite) is slow on a loaded machine (the whole suite in parallel).
const HOOK_TIMEOUT_MS = 120_000;

const APP_ID = '11111111-2222-4333-8444-555555555555';
const ISSUER = 'https://api.botframework.com';
const METADATA_HOST = 'https://login.botframework.test';
const METADATA_URL = `${METADATA_HOST}/v1/.well-known/openidconfiguration`;
const SERVICE_URL = 'https://smba.connector.test/emea/';
const LOGIN = 'https://login.microsoftonline.com';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
const jwk = publicKey.export({ format: 'jwk' });
// A published key endorsed for Teams only: a token it signed is not valid for a Web Chat activity.
const teamsOnly = generateKeyPairSync('rsa', { modulusLength: 2048 });
const teamsJwk = teamsOnly.publicKey.export({ format: 'jwk' });

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
function jwt(claims: Record<string, unknown>, key: KeyObject = privateKey, kid = 'test-key'): string {
  const now = Math.floor(Date.now() / 1000);
  const body = `${b64({ alg: 'RS256', typ: 'JWT', kid })}.${b64({ iss: ISSUER, aud: APP_ID, serviceurl: SERVICE_URL, nbf: now - 60, exp: now + 3600, ...claims })}`;
  return `${body}.${sign('sha256', Buffer.from(body), key).toString('base64url')}`;
}

let activityCounter = 0;
const activity = (text: string, conversationId: string) => ({
  type: 'message',
  id: `act-${++activityCounter}`,
  channelId: 'webchat',
  serviceUrl: SERVICE_URL,
  timestamp: new Date().toISOString(),
  from: { id: 'user-1', name: 'Camille' },
  recipient: { id: APP_ID, name: 'Guichet' },
  conversation: { id: conversationId },
  text,
  locale: 'fr-FR',
});

let container: Container;
let channel: BotFrameworkChannel;
let app: express.Express;
const state = new MemoryStateStore();

beforeAll(async () => {
  container = await createTestContainer();
  channel = createBotFrameworkChannel({
    engine: container.engine,
    bus: container.bus,
    state,
    idempotency: new MemoryIdempotencyStore(),
    logger: silentLogger,
    credentials: { appId: APP_ID, appPassword: 'app-password', appType: 'MultiTenant' },
    tenantOfAppId: () => DEMO_TENANT,
    // Public cloud settings, except where the channel's signing keys are published.
    authOverrides: {
      ToBotFromChannelOpenIdMetadataUrl: METADATA_URL,
      ToBotFromChannelTokenIssuer: ISSUER,
      ToChannelFromBotLoginUrl: `${LOGIN}/botframework.com`,
      ToChannelFromBotOAuthScope: 'https://api.botframework.com',
      ToBotFromEmulatorOpenIdMetadataUrl: `${LOGIN}/botframework.com/v2.0/.well-known/openid-configuration`,
      OAuthUrl: 'https://api.botframework.com',
      CallerId: 'urn:botframework:azure',
    },
  });
  await channel.start();
  app = express();
  app.use('/api/messages', channel.router);
  app.use(notFoundHandler);
  app.use(jsonErrorHandler(silentLogger));
}, HOOK_TIMEOUT_MS);

afterAll(async () => {
  await channel.close();
  await container.close();
  nock.cleanAll();
  nock.enableNetConnect();
}, HOOK_TIMEOUT_MS);

beforeEach(() => {
  nock.disableNetConnect();
  nock.enableNetConnect(/127\.0\.0\.1|localhost/);
  nock(METADATA_HOST)
    .persist()
    .get('/v1/.well-known/openidconfiguration')
    .reply(200, {
      issuer: ISSUER,
      jwks_uri: `${METADATA_HOST}/v1/.well-known/keys`,
      id_token_signing_alg_values_supported: ['RS256'],
    })
    .get('/v1/.well-known/keys')
    .reply(200, {
      keys: [
        {
          kty: 'RSA',
          use: 'sig',
          kid: 'test-key',
          n: jwk.n,
          e: jwk.e,
          endorsements: ['webchat', 'msteams', 'directline'],
        },
        { kty: 'RSA', use: 'sig', kid: 'teams-key', n: teamsJwk.n, e: teamsJwk.e, endorsements: ['msteams'] },
      ],
    });
  // The bot's own token for the connector (client credentials), as Microsoft's login would issue it.
  nock(LOGIN)
    .persist()
    .get(/\/discovery\/instance/)
    .reply(200, {
      tenant_discovery_endpoint: `${LOGIN}/botframework.com/v2.0/.well-known/openid-configuration`,
      metadata: [
        {
          preferred_network: 'login.microsoftonline.com',
          preferred_cache: 'login.windows.net',
          aliases: ['login.microsoftonline.com'],
        },
      ],
    })
    .get(/\/botframework\.com\/v2\.0\/\.well-known\/openid-configuration/)
    .reply(200, {
      token_endpoint: `${LOGIN}/botframework.com/oauth2/v2.0/token`,
      authorization_endpoint: `${LOGIN}/botframework.com/oauth2/v2.0/authorize`,
      end_session_endpoint: `${LOGIN}/botframework.com/oauth2/v2.0/logout`,
      issuer: `${LOGIN}/{tenantid}/v2.0`,
      jwks_uri: `${LOGIN}/botframework.com/discovery/v2.0/keys`,
    })
    .post(/^\/botframework\.com\/oauth2\/v2\.0\/token(\?|$)/)
    .reply(200, {
      token_type: 'Bearer',
      expires_in: 3600,
      ext_expires_in: 3600,
      access_token: 'bot-access-token',
    });
});

afterEach(() => {
  nock.cleanAll();
});

const post = (body: object, token?: string) => {
  const req = request(app).post('/api/messages').set('Content-Type', 'application/json');
  if (token) req.set('Authorization', `Bearer ${token}`);
  return req.send(body);
};

async function transcriptOf(conversationId: string): Promise<string[]> {
  const conversation = await container.store.findConversation({
    tenantId: DEMO_TENANT,
    channel: 'botframework',
    address: conversationId,
  });
  if (!conversation) return [];
  return (await container.store.listMessages(DEMO_TENANT, conversation.id)).map(
    (m) => `${m.direction}:${m.text}`,
  );
}

describe('POST /api/messages, unauthenticated', () => {
  const silenced = () => jest.spyOn(console, 'error').mockImplementation(() => undefined); // botbuilder logs the auth error

  it.each([
    ['no token', undefined],
    ['a token signed by another key', jwt({}, stranger)],
    ['a token for another bot (audience)', jwt({ aud: '99999999-2222-4333-8444-555555555555' })],
    ['a token from another issuer', jwt({ iss: 'https://evil.example' })],
    [
      'an expired token',
      jwt({ exp: Math.floor(Date.now() / 1000) - 3600, nbf: Math.floor(Date.now() / 1000) - 7200 }),
    ],
    ['a token for another service URL', jwt({ serviceurl: 'https://evil.example/' })],
    ['a token whose key is not endorsed for this channel', jwt({}, teamsOnly.privateKey, 'teams-key')],
    ['a token whose key id is unknown', jwt({}, privateKey, 'unknown-key')],
  ])('refuses %s with a clean JSON 401, and the engine never sees the message', async (_name, token) => {
    const spy = silenced();
    try {
      const conversationId = `conv-unauth-${activityCounter}`;
      const res = await post(activity('bonjour', conversationId), token).expect(401);
      expect(res.type).toBe('application/json');
      expect(res.body).toEqual({
        error: { code: 'UNAUTHORIZED', message: 'Missing or invalid Bot Framework token' },
      });
      expect(res.text).not.toMatch(/\bat .*\(|\.js:\d+|Error:/); // no stack trace, no internal error text
      expect(await transcriptOf(conversationId)).toEqual([]);
    } finally {
      spy.mockRestore();
    }
  });
});

describe('POST /api/messages, authenticated', () => {
  it('reaches the engine and sends the reply to the serviceUrl, as a reply to the activity, with the bot’s token', async () => {
    const conversationId = 'a:conv-signed-1';
    const incoming = activity('Quels sont les horaires de la piscine ?', conversationId);
    const sent: { text?: string; replyToId?: string; auth?: string }[] = [];
    nock('https://smba.connector.test')
      .persist()
      .post(
        new RegExp(
          `^/emea/v3/conversations/${encodeURIComponent(conversationId)}/activities/${incoming.id}$`,
        ),
      )
      .reply(function (_uri, body) {
        const b = body as { text?: string; replyToId?: string };
        sent.push({
          text: b.text,
          replyToId: b.replyToId,
          auth: this.req.headers.authorization as string | undefined,
        });
        return [200, { id: `reply-${sent.length}` }];
      });

    await post(incoming, jwt({})).expect(200);

    expect(sent.length).toBeGreaterThanOrEqual(1);
    expect(sent.map((s) => s.text).join('\n')).toMatch(/piscine est (ouverte|fermée)/i);
    expect(sent.every((s) => s.replyToId === incoming.id)).toBe(true);
    expect(sent[0]?.auth).toBe('Bearer bot-access-token');
    expect(await transcriptOf(conversationId)).toContain('in:Quels sont les horaires de la piscine ?');
  });

  it('sends a later agent reply proactively to the same conversation (EventBus → stored reference)', async () => {
    const conversationId = 'a:conv-signed-2';
    const first = nock('https://smba.connector.test')
      .persist()
      .post(/\/activities\/act-\d+$/)
      .reply(200, { id: 'r' });
    await post(activity('bonjour', conversationId), jwt({})).expect(200);
    expect(first.isDone()).toBe(true);

    // Proactive: botbuilder sends it within a continuation turn, as a reply to that turn's own activity id.
    const proactive = new Promise<{ text?: string; auth?: string }>((resolve) => {
      nock('https://smba.connector.test')
        .post(
          new RegExp(
            `^/emea/v3/conversations/${encodeURIComponent(conversationId)}/activities(/(?!act-)[^/]+)?$`,
          ),
        )
        .reply(function (_uri, body) {
          resolve({
            text: (body as { text?: string }).text,
            auth: this.req.headers.authorization as string | undefined,
          });
          return [200, { id: 'proactive-1' }];
        });
    });
    await publishToBotConversation(container.bus, DEMO_TENANT, conversationId, {
      type: 'handover',
      state: 'agent_message',
      text: 'Bonjour, ici Claire, agent d’accueil.',
    });
    await expect(proactive).resolves.toEqual({
      text: 'Bonjour, ici Claire, agent d’accueil.',
      auth: 'Bearer bot-access-token',
    });
  });
});

describe('POST /api/messages, bad input', () => {
  it('answers a wrong content type with a 415, invalid JSON with a 400, a body without type with a 400', async () => {
    await request(app).post('/api/messages').set('Content-Type', 'text/plain').send('hello').expect(415);
    const invalid = await request(app)
      .post('/api/messages')
      .set('Content-Type', 'application/json')
      .send('{"type":')
      .expect(400);
    expect(invalid.body.error.code).toBe('BAD_REQUEST');
    const untyped = await post({ text: 'bonjour' }, jwt({})).expect(400);
    expect(untyped.body.error.message).toMatch(/activity/);
  });
});

describe('the channel in the app', () => {
  it('answers 403 while no app id is configured (and does not run anonymous)', async () => {
    const res = await request(container.app)
      .post('/api/messages')
      .set('Content-Type', 'application/json')
      .send(activity('bonjour', 'c-off'))
      .expect(403);
    expect(res.body.error.message).toMatch(/MICROSOFT_APP_ID/);
  });

  it('stays anonymous-free in production (config refuses BOTFRAMEWORK_ALLOW_ANONYMOUS)', async () => {
    const { loadConfig } = await import('../../server/config');
    expect(() => loadConfig({ NODE_ENV: 'production', BOTFRAMEWORK_ALLOW_ANONYMOUS: 'true' })).toThrow(
      /BOTFRAMEWORK_ALLOW_ANONYMOUS/,
    );
  });
});

describe('a channel without credentials but allowed anonymous (Emulator, development)', () => {
  it('accepts an unsigned activity and answers it', async () => {
    const anonymous = createBotFrameworkChannel({
      engine: container.engine,
      bus: container.bus,
      state,
      idempotency: new MemoryIdempotencyStore(),
      logger: silentLogger,
      credentials: { appType: 'MultiTenant' },
      allowAnonymous: true,
      tenantOfAppId: () => DEMO_TENANT,
    });
    const emulator = express();
    emulator.use('/api/messages', anonymous.router);
    emulator.use(jsonErrorHandler(silentLogger));
    const texts: string[] = [];
    nock('https://smba.connector.test')
      .persist()
      .post(/\/activities\/act-\d+$/)
      .reply(function (_uri, body) {
        texts.push(String((body as { text?: string }).text));
        return [200, { id: 'r' }];
      });
    await request(emulator).post('/api/messages').send(activity('bonjour', 'c-emulator')).expect(200);
    expect(texts.join('\n')).toMatch(/Bonjour/);
  });
});
