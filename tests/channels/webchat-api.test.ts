// Web chat HTTP surface as a browser on another site sees it: widget files and demo page, the config the
// panel shows, CORS limited to the territory's allowed origins, tokens, and clear 4xx answers to bad input.
import express from 'express';
import nock from 'nock';
import request from 'supertest';
import type { Engine } from '../../bot/engine';
import { GuichetError } from '../../bot/errors';
import { silentLogger } from '../../bot/logger';
import type { SharedStore } from '../../bot/ports';
import { MemoryEventBus } from '../../adapters/memory';
import { createWebchatChannel, type WebchatTenants } from '../../channels/webchat';
import { jsonErrorHandler } from '../../server/http-errors';
import type { Container } from '../../server/container';
import { IN_HOURS } from '../backoffice/support';
import { createTestContainer, DEMO_TENANT } from '../support/harness';

// Building or closing a container (PGlite) is slow on a loaded machine (the whole suite in parallel).
const HOOK_TIMEOUT_MS = 120_000;

let container: Container;
beforeAll(async () => {
  container = await createTestContainer();
}, HOOK_TIMEOUT_MS);
afterAll(async () => {
  await container.close();
}, HOOK_TIMEOUT_MS);

const DEMO_SITE = 'http://localhost:3000'; // val-de-loue's channels.allowedOrigins
const OTHER_SITE = 'http://localhost:3001'; // autre-commune's
const FOREIGN = 'https://evil.example';
const api = () => request(container.app);
const post = (body: object, origin?: string, path = '/channels/webchat/messages') => {
  const req = api().post(path).set('Content-Type', 'application/json');
  if (origin) req.set('Origin', origin);
  return req.send(JSON.stringify(body));
};

describe('widget files and demo page', () => {
  it('serves the demo page at / : a mock commune website with the one-line embed', async () => {
    const res = await api().get('/').expect(200);
    expect(res.type).toBe('text/html');
    expect(res.text).toMatch(/Commune de Montcey-sur-Loue/);
    expect(res.text).toContain(
      '<script src="/channels/webchat/widget.js" data-tenant="demo" defer></script>',
    );
    expect(res.text).toMatch(/<footer/);
    expect(res.headers['content-security-policy']).toMatch(/script-src 'self'/);
  });

  it.each([
    ['widget.js', /javascript/],
    ['widget.css', /css/],
  ])(
    'serves %s with caching headers, loadable from any site, and revalidates with its ETag',
    async (file, type) => {
      const res = await api().get(`/channels/webchat/${file}`).expect(200);
      expect(res.headers['content-type']).toMatch(type);
      expect(res.headers['cache-control']).toMatch(/public, max-age=3600/);
      expect(res.headers['cross-origin-resource-policy']).toBe('cross-origin');
      expect(res.headers.etag).toBeDefined();
      await api()
        .get(`/channels/webchat/${file}`)
        .set('If-None-Match', res.headers.etag as string)
        .expect(304);
    },
  );

  it('never inserts server text as HTML in the widget', async () => {
    const res = await api().get('/channels/webchat/widget.js').expect(200);
    expect(res.text).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
  });
});

describe('GET /channels/webchat/config', () => {
  it('gives the panel the territory name, its data notice, its language and the privacy notice link', async () => {
    const res = await api().get('/channels/webchat/config?tenant=demo').expect(200);
    const territory = container.territories.current().get(DEMO_TENANT)!;
    expect(res.body).toMatchObject({
      name: territory.name,
      notice: territory.notice.shortText.replace(' :', '\u00a0:'),
      locale: 'fr',
      privacyUrl: `/privacy?tenant=${DEMO_TENANT}`,
      center: territory.center,
    });
    // The page it links to exists on the app.
    await api().get(res.body.privacyUrl).expect(200);
  });

  it('links a territory’s own privacy notice and accessibility statement when it names them', async () => {
    const res = await api().get('/channels/webchat/config?tenant=autre').expect(200);
    expect(res.body).toMatchObject({
      privacyUrl: 'https://www.pointe-aux-herons.example/donnees-personnelles',
      accessibilityUrl: 'https://www.pointe-aux-herons.example/accessibilite',
    });
    expect(res.body.greeting.text).toMatch(
      /^Bonjour\u202f! Je suis l’assistant de la Commune de Pointe-aux-Hérons\./,
    );
  });

  it('greets in the asked language with the help menu’s services as choices, typeset', async () => {
    const fr = await api().get('/channels/webchat/config?tenant=demo&locale=fr').expect(200);
    expect(fr.body.greeting).toMatchObject({
      type: 'choices',
      text: 'Bonjour\u202f! Je suis l’assistant de la Communauté de communes du Val de Loue. Je peux vous aider pour\u00a0:',
    });
    expect(fr.body.greeting.choices).toContainEqual({
      label: 'Signaler un problème sur la voie publique',
      value: 'intent:report_incident',
    });
    const en = await api().get('/channels/webchat/config?tenant=demo&locale=en').expect(200);
    expect(en.body.greeting.text).toBe(
      'Hello! I am the assistant of Communauté de communes du Val de Loue. I can help you with:',
    );
    expect(en.body.greeting.choices.map((c: { value: string }) => c.value)).toEqual(
      fr.body.greeting.choices.map((c: { value: string }) => c.value),
    );
    await api().get('/channels/webchat/config?tenant=demo&locale=de').expect(400);
  });

  it('links the demo site’s accessibility statement, served by Guichet', async () => {
    const res = await api().get('/channels/webchat/config?tenant=demo').expect(200);
    expect(res.body.accessibilityUrl).toBe('/accessibilite');
    const page = await api().get(res.body.accessibilityUrl).expect(200);
    expect(page.text).toMatch(/<h1>Déclaration d’accessibilité de l’assistant en ligne<\/h1>/);
    // Without an audit, the law's wording: "non conforme".
    expect(page.text).toMatch(/<strong>non conforme<\/strong>/);
  });

  it('links the privacy notice and gives the data notice in the citizen’s language', async () => {
    const en = await api().get('/channels/webchat/config?tenant=demo&locale=en').expect(200);
    expect(en.body.privacyUrl).toBe(`/privacy?tenant=${DEMO_TENANT}&lang=en`);
    expect(en.body.notice).toMatch(/^Your messages are processed by the CC du Val de Loue/);
    expect((await api().get(en.body.privacyUrl).expect(200)).text).toMatch(/<html lang="en">/);
    const fr = await api().get('/channels/webchat/config?tenant=demo&locale=fr').expect(200);
    expect(fr.body.privacyUrl).toBe(`/privacy?tenant=${DEMO_TENANT}`);
    expect(fr.body.notice).toMatch(/^Vos messages sont traités/);
  });

  it('answers an unknown widget key with a 404', async () => {
    const res = await api().get('/channels/webchat/config?tenant=nope').expect(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
  });
});

describe('CORS: only the territory’s sites (and the app itself) may call the API from a browser', () => {
  it('answers the preflight of an allowed site', async () => {
    const res = await api()
      .options('/channels/webchat/messages?tenant=demo')
      .set('Origin', DEMO_SITE)
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'content-type')
      .expect(204);
    expect(res.headers['access-control-allow-origin']).toBe(DEMO_SITE);
    expect(res.headers['access-control-allow-methods']).toMatch(/POST/);
    expect(res.headers['access-control-allow-headers']).toMatch(/Content-Type/i);
  });

  it('refuses the preflight of a foreign site, without CORS headers', async () => {
    const res = await api()
      .options('/channels/webchat/messages?tenant=demo')
      .set('Origin', FOREIGN)
      .set('Access-Control-Request-Method', 'POST')
      .expect(403);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('lets an allowed site talk, with the CORS header on the answer', async () => {
    const res = await post({ text: 'bonjour', tenant: 'demo' }, DEMO_SITE).expect(200);
    expect(res.headers['access-control-allow-origin']).toBe(DEMO_SITE);
    expect(res.body.conversationId).toMatch(/^wc_/);
  });

  it('answers a POST from a foreign site with a 403 and no CORS headers', async () => {
    const res = await post({ text: 'bonjour', tenant: 'demo' }, FOREIGN).expect(403);
    expect(res.body.error.code).toBe('FORBIDDEN');
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('refuses a site allowed for another territory only (tenant named in the body)', async () => {
    await post({ text: 'bonjour', tenant: 'autre' }, OTHER_SITE).expect(200);
    const res = await post({ text: 'bonjour', tenant: 'demo' }, OTHER_SITE).expect(403);
    expect(res.body.error.code).toBe('FORBIDDEN');
  });

  it('accepts the app’s own origin (the demo page it serves)', async () => {
    const res = await api()
      .post('/channels/webchat/messages')
      .set('Host', 'guichet.test:8080')
      .set('Origin', 'http://guichet.test:8080')
      .send({ text: 'bonjour', tenant: 'demo' })
      .expect(200);
    expect(res.headers['access-control-allow-origin']).toBe('http://guichet.test:8080');
  });

  it('leaves a foreign GET without CORS headers, so the browser hides the answer', async () => {
    const res = await api().get('/channels/webchat/config?tenant=demo').set('Origin', FOREIGN).expect(200);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect(res.headers.vary).toMatch(/Origin/);
  });
});

describe('tokens and bad input', () => {
  it('continues a conversation only with its token, and restores its history with replies to render', async () => {
    const first = await post({ text: 'bonjour', tenant: 'demo' }).expect(200);
    const { conversationId, token } = first.body as { conversationId: string; token: string };
    await post({ text: 'aide', tenant: 'demo', conversationId }).expect(404);
    // Tampered: the last character replaced by another one (never by itself, which a fixed 'A' was 1 time in 64).
    const tampered = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    await post({ text: 'aide', tenant: 'demo', conversationId, token: tampered }).expect(404);
    await post({ text: 'aide', tenant: 'demo', conversationId, token }).expect(200);
    // Another territory's key with the same id is another conversation: the token does not carry over.
    await post({ text: 'aide', tenant: 'autre', conversationId, token }).expect(404);

    const history = await api()
      .get(`/channels/webchat/conversations/${conversationId}/history?tenant=demo`)
      .set('X-Conversation-Token', token)
      .expect(200);
    const rows = history.body.messages as { direction: string; text: string; reply?: { type: string } }[];
    expect(rows.filter((r) => r.direction === 'in').map((r) => r.text)).toEqual(['bonjour', 'aide']);
    expect(rows.filter((r) => r.direction === 'out').every((r) => typeof r.reply?.type === 'string')).toBe(
      true,
    );
    expect(rows.some((r) => r.reply?.type === 'choices')).toBe(true);
    expect(history.headers['cache-control']).toBe('no-store');
  });

  it('answers a well-formed but unknown conversation id with a 404', async () => {
    const res = await api()
      .get('/channels/webchat/conversations/wc_AAAAAAAAAAAAAAAAAAAAAAAA/history?tenant=demo')
      .set('X-Conversation-Token', 'x'.repeat(43))
      .expect(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
  });

  it('answers an oversized body with a 413', async () => {
    const res = await post({ text: 'a'.repeat(20_000), tenant: 'demo' }).expect(413);
    expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('answers a wrong content type with a 415', async () => {
    const res = await api()
      .post('/channels/webchat/messages')
      .set('Content-Type', 'text/plain')
      .send('bonjour')
      .expect(415);
    expect(res.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('answers invalid JSON with a 400 and a message', async () => {
    const res = await api()
      .post('/channels/webchat/messages')
      .set('Content-Type', 'application/json')
      .send('{"text": ')
      .expect(400);
    expect(res.body.error).toEqual({ code: 'BAD_REQUEST', message: 'The body is not valid JSON' });
  });

  it('answers an out-of-range shared location with a 400 naming the field', async () => {
    const res = await post({ text: 'Ma position', tenant: 'demo', location: { lat: 200, lon: 5 } }).expect(
      400,
    );
    expect(res.body.error.message).toMatch(/location\.lat/);
  });

  it('typesets French replies: no-break spaces before ? ! : ; and one apostrophe', async () => {
    const res = await post({ text: 'bonjour', tenant: 'demo', locale: 'fr' }).expect(200);
    const greeting = (res.body.messages as { type: string; text?: string }[]).find(
      (m) => m.type === 'choices',
    );
    expect(greeting?.text).toContain('Bonjour\u202f!');
    expect(greeting?.text).toMatch(/pour\u00a0:$/);
  });

  it('takes a shared location into the transcript', async () => {
    const res = await post({ text: 'Ma position', tenant: 'demo', location: { lat: 47.1, lon: 6.0 } }).expect(
      200,
    );
    const conversation = await container.store.findConversation({
      tenantId: DEMO_TENANT,
      channel: 'webchat',
      address: res.body.conversationId,
    });
    const [inbound] = await container.store.listMessages(DEMO_TENANT, conversation!.id);
    expect(inbound?.payload).toMatchObject({ location: { lat: 47.1, lon: 6.0 } });
  });
});

describe('when the store or the state is down', () => {
  it('answers 503 with the degraded replies (the counter’s phone number) instead of a bare error', async () => {
    const engine: Engine = {
      handleTurn: () => Promise.reject(new GuichetError('DEPENDENCY_UNAVAILABLE', 'Redis down')),
      degradedReplies: () => [{ type: 'text', text: 'Appelez l’accueil au 01 99 00 10 00.' }],
      conversationState: () => Promise.reject(new GuichetError('DEPENDENCY_UNAVAILABLE', 'Redis down')),
      dialogue: undefined as unknown as Engine['dialogue'],
      forgetConversation: () => Promise.resolve(),
      askSatisfaction: () => Promise.resolve(false),
    };
    const tenants: WebchatTenants = {
      resolve: () => ({
        id: 't',
        name: 'T',
        notice: 'n',
        locale: 'fr',
        privacyUrl: '/privacy',
        allowedOrigins: [],
      }),
      anyAllows: () => false,
    };
    const bus = new MemoryEventBus();
    const channel = createWebchatChannel({
      engine,
      store: {} as SharedStore,
      bus,
      tenants,
      secret: 's',
      logger: silentLogger,
    });
    const app = express();
    for (const [path, router] of channel.routes) app.use(path, router);
    app.use(jsonErrorHandler(silentLogger));
    try {
      const res = await request(app).post('/channels/webchat/messages').send({ text: 'bonjour' }).expect(503);
      expect(res.body.error.code).toBe('DEPENDENCY_UNAVAILABLE');
      expect(res.body.messages).toEqual([{ type: 'text', text: 'Appelez l’accueil au 01 99 00 10 00.' }]);
    } finally {
      await channel.close();
      await bus.close();
    }
  });
});

describe('GET /channels/webchat/reverse (the address under the map pin)', () => {
  const BAN = 'https://api-adresse.data.gouv.fr';
  afterEach(() => nock.cleanAll());

  it('names the nearest address from the national address API', async () => {
    const scope = nock(BAN)
      .get('/reverse/')
      .query({ lat: '47.10215', lon: '6.05102', limit: '1' })
      .reply(200, {
        type: 'FeatureCollection',
        features: [
          {
            type: 'Feature',
            geometry: { type: 'Point', coordinates: [6.05102, 47.10215] },
            properties: { label: '12 Rue des Lilas 25971 Montcey-sur-Loue', score: 0.99, citycode: '25971' },
          },
        ],
      });
    const res = await api().get('/channels/webchat/reverse?tenant=demo&lat=47.10215&lon=6.05102').expect(200);
    expect(res.body).toEqual({ label: '12 Rue des Lilas 25971 Montcey-sur-Loue' });
    expect(scope.isDone()).toBe(true);
  });

  it('answers no label (not an error) when the API is down', async () => {
    nock(BAN).get('/reverse/').query(true).reply(503, 'down');
    const res = await api().get('/channels/webchat/reverse?tenant=demo&lat=47.1&lon=6.05').expect(200);
    expect(res.body).toEqual({ label: null });
  });

  it.each([
    ['no coordinates', ''],
    ['a latitude out of range', '&lat=95&lon=6'],
    ['text for a number', '&lat=nord&lon=6'],
  ])('answers %s with a 400', async (_name, query) => {
    const res = await api().get(`/channels/webchat/reverse?tenant=demo${query}`).expect(400);
    expect(res.body.error.code).toBe('BAD_REQUEST');
  });
});

describe('POST /channels/webchat/conversations/{id}/end ("Nouvelle conversation")', () => {
  it('closes the conversation, out of the agents’ queue, with a line in the transcript', async () => {
    const first = await post({ text: 'bonjour', tenant: 'demo' }).expect(200);
    const { conversationId, token } = first.body as { conversationId: string; token: string };
    // Waiting for an agent (asked during the agents' hours).
    await container.engine.handleTurn({
      tenantId: DEMO_TENANT,
      channel: 'webchat',
      address: conversationId,
      text: 'je veux parler à un agent',
      receivedAt: IN_HOURS,
    });
    const address = { tenantId: DEMO_TENANT, channel: 'webchat', address: conversationId };
    const record = (await container.store.findConversation(address))!;
    expect(record.owner).toBe('queue');
    const waiting = await container.store.countWaitingConversations(DEMO_TENANT);

    const path = `/channels/webchat/conversations/${conversationId}/end`;
    await post({ token: 'wrong', tenant: 'demo' }, undefined, path).expect(404);
    await post({ token, tenant: 'demo', locale: 'fr' }, undefined, path).expect(204);

    expect(await container.store.findConversation(address)).toBeNull();
    expect(await container.store.countWaitingConversations(DEMO_TENANT)).toBe(waiting - 1);
    const transcript = await container.store.listMessages(DEMO_TENANT, record.id, { limit: 50 });
    expect(transcript.slice(-2).map((m) => m.text)).toEqual([
      'Nouvelle conversation (la personne a quitté celle-ci)',
      'Conversation terminée.',
    ]);
  });
});
