// Web chat pushes over the WebSocket: a reply published on the EventBus (by the back office, an agent, or
// another instance) reaches the open widget; tokens, origins and floods are refused.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { WebSocket } from 'ws';
import { publishToConversation, publishTyping } from '../../channels/webchat';
import type { Container } from '../../server/container';
import { createTestContainer, DEMO_TENANT } from '../support/harness';
import { describeWith, redisUrl, uniqueSuffix } from '../support/services';

// Building or closing a container (PGlite) is slow on a loaded machine (the whole suite in parallel).
const HOOK_TIMEOUT_MS = 120_000;

interface Frame {
  type: string;
  replies?: { type: string; text?: string }[];
  on?: boolean;
}

/** A client socket that records frames and how it closed. */
class Client {
  readonly frames: Frame[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  readonly ws: WebSocket;

  constructor(url: string, headers: Record<string, string> = {}) {
    this.ws = new WebSocket(url, { headers });
    this.ws.on('message', (data) => this.frames.push(JSON.parse(String(data)) as Frame));
    this.closed = new Promise((resolve) =>
      this.ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })),
    );
  }

  /** Resolves with the first frame of `type` (waits for it). */
  async next(type: string): Promise<Frame> {
    for (let i = 0; i < 500; i++) {
      const frame = this.frames.find((f) => f.type === type);
      if (frame) return frame;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`no '${type}' frame; got ${JSON.stringify(this.frames)}`);
  }

  /** The HTTP status of a refused upgrade. */
  static refusal(url: string, headers: Record<string, string> = {}): Promise<number> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { headers });
      ws.on('unexpected-response', (_req, res) => {
        resolve(res.statusCode ?? 0);
        res.resume(); // drain the refusal body so the response does not stay open
        ws.terminate();
      });
      ws.on('open', () => reject(new Error('the upgrade was accepted')));
      ws.on('error', () => undefined);
    });
  }
}

async function startConversation(
  base: string,
  tenant = 'demo',
): Promise<{ conversationId: string; token: string }> {
  const res = await fetch(`${base}/channels/webchat/messages`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ text: 'bonjour', tenant }),
  });
  if (res.status !== 200) throw new Error(`POST /messages: ${res.status} ${await res.text()}`);
  return (await res.json()) as { conversationId: string; token: string };
}

const socketUrl = (base: string, q: Record<string, string>) =>
  `${base.replace(/^http/, 'ws')}/channels/webchat/ws?${new URLSearchParams(q).toString()}`;

function listen(container: Container): Promise<{ server: Server; base: string }> {
  return new Promise((resolve) => {
    const server = container.app.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ server, base: `http://127.0.0.1:${port}` });
    });
  });
}

async function untilReady(container: Container): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await Promise.all([container.state.ping(), container.bus.ping()]);
      return;
    } catch (error) {
      if (attempt >= 50) throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

const closeServer = (server: Server) =>
  new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections(); // keep-alive connections of fetch() would hold the close
  });

describe('web chat WebSocket (one instance, memory bus)', () => {
  let container: Container;
  let server: Server;
  let base: string;
  const clients: Client[] = [];
  const open = (q: Record<string, string>, headers?: Record<string, string>) => {
    const c = new Client(socketUrl(base, q), headers);
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    container = await createTestContainer();
    ({ server, base } = await listen(container));
  }, HOOK_TIMEOUT_MS);
  afterEach(() => {
    for (const c of clients.splice(0)) c.ws.terminate();
  });
  afterAll(async () => {
    await closeServer(server);
    await container.close();
  }, HOOK_TIMEOUT_MS);

  it('pushes a published reply to the open widget of that conversation only', async () => {
    const mine = await startConversation(base);
    const other = await startConversation(base);
    const a = open({ ...mine, tenant: 'demo' });
    const b = open({ ...other, tenant: 'demo' });
    await Promise.all([a.next('ready'), b.next('ready')]);

    await publishToConversation(container.bus, DEMO_TENANT, mine.conversationId, {
      type: 'handover',
      state: 'agent_message',
      text: 'Bonjour, ici Claire.',
    });
    await publishTyping(container.bus, DEMO_TENANT, mine.conversationId, true);
    const replies = await a.next('replies');
    expect(replies.replies).toEqual([
      { type: 'handover', state: 'agent_message', text: 'Bonjour, ici Claire.' },
    ]);
    expect((await a.next('typing')).on).toBe(true);

    // b heard nothing: a push to b's own conversation arrives alone.
    await publishToConversation(container.bus, DEMO_TENANT, other.conversationId, {
      type: 'text',
      text: 'for b',
    });
    expect((await b.next('replies')).replies).toEqual([{ type: 'text', text: 'for b' }]);
    expect(b.frames.filter((f) => f.type === 'replies')).toHaveLength(1);
  });

  it('answers a ping with a pong', async () => {
    const conv = await startConversation(base);
    const c = open({ ...conv, tenant: 'demo' });
    await c.next('ready');
    c.ws.send(JSON.stringify({ type: 'ping' }));
    await c.next('pong');
  });

  it('closes a flooding client with 1008 (policy violation)', async () => {
    const conv = await startConversation(base);
    const c = open({ ...conv, tenant: 'demo' });
    await c.next('ready');
    for (let i = 0; i < 25; i++) c.ws.send(JSON.stringify({ type: 'ping' }));
    const closed = await c.closed;
    expect(closed.code).toBe(1008);
    expect(closed.reason).toMatch(/too many/i);
    expect(c.frames.filter((f) => f.type === 'pong').length).toBeLessThanOrEqual(20);
  });

  it('refuses a socket without the conversation token, with a wrong one, or for another territory', async () => {
    const conv = await startConversation(base);
    const url = (q: Record<string, string>) => socketUrl(base, q);
    expect(await Client.refusal(url({ conversationId: conv.conversationId, tenant: 'demo' }))).toBe(400);
    expect(
      await Client.refusal(
        url({ conversationId: conv.conversationId, token: 'x'.repeat(43), tenant: 'demo' }),
      ),
    ).toBe(401);
    expect(await Client.refusal(url({ ...conv, tenant: 'autre' }))).toBe(401);
    expect(await Client.refusal(url({ ...conv, tenant: 'nope' }))).toBe(404);
  });

  it('refuses a socket opened by a foreign page, accepts one from the territory’s site', async () => {
    const conv = await startConversation(base);
    expect(
      await Client.refusal(socketUrl(base, { ...conv, tenant: 'demo' }), { Origin: 'https://evil.example' }),
    ).toBe(403);
    const ok = open({ ...conv, tenant: 'demo' }, { Origin: 'http://localhost:3000' });
    await ok.next('ready');
  });

  it('answers an upgrade on another path with a 404', async () => {
    expect(await Client.refusal(`${base.replace(/^http/, 'ws')}/somewhere/else`)).toBe(404);
  });
});

describe('web chat WebSocket and shutdown', () => {
  it(
    'says goodbye (1001) to open sockets when the server closes, so the close does not hang',
    async () => {
      const container = await createTestContainer();
      try {
        const { server, base } = await listen(container);
        const conv = await startConversation(base);
        const c = new Client(socketUrl(base, { ...conv, tenant: 'demo' }));
        await c.next('ready');
        // A plain close, as `npm start` does on SIGTERM: it must not wait for the socket forever.
        await new Promise<void>((resolve) => server.close(() => resolve()));
        expect((await c.closed).code).toBe(1001);
      } finally {
        await container.close();
      }
    },
    HOOK_TIMEOUT_MS,
  );
});

describeWith('redis', 'web chat WebSocket across two instances (Redis bus)', () => {
  let a: Container;
  let b: Container;
  let serverA: Server;
  let baseA: string;

  beforeAll(async () => {
    const env = { REDIS_URL: redisUrl() };
    const redisKeyPrefix = `test:${uniqueSuffix()}:`;
    a = await createTestContainer(env, { redisKeyPrefix });
    b = await createTestContainer(env, { redisKeyPrefix });
    // Building a container blocks the event loop (PGlite): let the Redis clients finish connecting.
    await Promise.all([untilReady(a), untilReady(b)]);
    ({ server: serverA, base: baseA } = await listen(a));
  }, HOOK_TIMEOUT_MS);
  afterAll(async () => {
    await closeServer(serverA);
    await Promise.all([a.close(), b.close()]);
  }, HOOK_TIMEOUT_MS);

  it('delivers to the socket held by instance A a reply published by instance B', async () => {
    const conv = await startConversation(baseA);
    const c = new Client(socketUrl(baseA, { ...conv, tenant: 'demo' }));
    try {
      await c.next('ready');
      await publishToConversation(b.bus, DEMO_TENANT, conv.conversationId, {
        type: 'text',
        text: 'Votre demande DEM-2026-000042 est en cours.',
      });
      expect((await c.next('replies')).replies).toEqual([
        { type: 'text', text: 'Votre demande DEM-2026-000042 est en cours.' },
      ]);
    } finally {
      c.ws.terminate();
    }
  });
});
