// Scale-out: two instances sharing Redis (state, locks, pub/sub) and PostgreSQL. A citizen message on
// instance A reaches the agent's event stream held by instance B; the agent's reply posted on B reaches
// the citizen's web chat socket held by A.
import { WebSocket } from 'ws';
import type { Container } from '../../server/container';
import { talk } from '../support/conversation';
import { DEMO_TENANT } from '../support/harness';
import { databaseUrl, describeWith, redisUrl, uniqueSuffix } from '../support/services';
import {
  ADMIN_TOKEN,
  backofficeContainer,
  bearer,
  closeServer,
  eventually,
  listen,
  CONTAINER_TIMEOUT_MS,
  IN_HOURS,
} from './support';

const postgresAvailable = process.env.GUICHET_POSTGRES_AVAILABLE === '1';

describeWith('redis', 'two instances sharing Redis and PostgreSQL', () => {
  const suffix = uniqueSuffix();
  const schema = `bo_two_${suffix}`;
  const env = { REDIS_URL: redisUrl(), DATABASE_URL: databaseUrl() };
  const overrides = { databaseSchema: schema, redisKeyPrefix: `guichet-test-${suffix}:` };
  let a: Container;
  let b: Container;
  let servers: Awaited<ReturnType<typeof listen>>[] = [];

  beforeAll(async () => {
    if (!postgresAvailable)
      throw new Error('this suite needs PostgreSQL too (DATABASE_URL / 127.0.0.1:5432)');
    a = await backofficeContainer(env, overrides);
    b = await backofficeContainer(env, overrides);
    servers = [await listen(a), await listen(b)];
    // Both buses must be connected before anything is published.
    await eventually(async () => {
      try {
        await Promise.all([a.bus.ping(), b.bus.ping(), a.state.ping(), b.state.ping()]);
        return true;
      } catch {
        return undefined;
      }
    }, 'Redis');
  }, CONTAINER_TIMEOUT_MS);
  afterAll(async () => {
    await Promise.all(servers.map((s) => closeServer(s.server)));
    await Promise.allSettled([a?.close(), b?.close()]);
    const { Client } = await import('pg');
    const admin = new Client({ connectionString: databaseUrl() });
    await admin.connect();
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).finally(() => admin.end());
  });

  it('a citizen on A and an agent on B talk to each other', async () => {
    const [baseA, baseB] = [servers[0]!.base, servers[1]!.base];

    // The citizen asks for a person on instance A.
    const first = await fetch(`${baseA}/channels/webchat/messages`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ text: 'je veux parler à un agent', tenant: 'demo' }),
    });
    expect(first.status).toBe(200);
    const { conversationId: address, token: chatToken } = (await first.json()) as {
      conversationId: string;
      token: string;
    };

    // Their widget's socket is held by A.
    const frames: { type: string; replies?: { text?: string; state?: string }[] }[] = [];
    const socket = new WebSocket(
      `${baseA.replace('http', 'ws')}/channels/webchat/ws?${new URLSearchParams({ conversationId: address, token: chatToken, tenant: 'demo' })}`,
    );
    socket.on('message', (data) => frames.push(JSON.parse(String(data))));
    await eventually(() => frames.find((f) => f.type === 'ready'), 'the socket on A');

    // The agent's console streams events from B.
    const issued = await fetch(`${baseB}/api/v1/tokens`, {
      method: 'POST',
      headers: { ...bearer(ADMIN_TOKEN), 'Content-Type': 'application/json' },
      body: JSON.stringify({ role: 'agent', tenantId: DEMO_TENANT, name: 'Marie' }),
    });
    const { token: agentToken } = (await issued.json()) as { token: string };
    const controller = new AbortController();
    const stream = await fetch(`${baseB}/api/v1/events`, {
      headers: bearer(agentToken),
      signal: controller.signal,
    });
    const reader = stream.body!.getReader();
    let events = '';
    const pump = (async () => {
      for (;;) {
        const chunk = await reader.read().catch(() => ({ done: true as const, value: undefined }));
        if (chunk.done) return;
        events += new TextDecoder().decode(chunk.value);
      }
    })();
    try {
      await eventually(() => (events.includes('event: ready') ? true : undefined), 'the event stream on B');

      // A citizen message on A reaches the stream on B.
      const second = await fetch(`${baseA}/channels/webchat/messages`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          text: 'C’est au sujet de ma facture d’eau',
          tenant: 'demo',
          conversationId: address,
          token: chatToken,
        }),
      });
      expect(((await second.json()) as { messages: unknown[] }).messages).toEqual([]);
      await eventually(
        () => (/event: message\ndata: .*C’est au sujet de ma facture d’eau/.test(events) ? true : undefined),
        'the citizen message on B',
      );

      // The agent, on B, takes over and replies; the socket on A receives both.
      const queue = (await (
        await fetch(`${baseB}/api/v1/conversations?state=queue`, { headers: bearer(agentToken) })
      ).json()) as { items: { id: string; address: string }[] };
      const conversation = queue.items.find((c) => c.address === address);
      expect(conversation).toBeDefined();
      const taken = await fetch(`${baseB}/api/v1/conversations/${conversation!.id}/takeover`, {
        method: 'POST',
        headers: bearer(agentToken),
      });
      expect(taken.status).toBe(200);
      const sent = await fetch(`${baseB}/api/v1/conversations/${conversation!.id}/messages`, {
        method: 'POST',
        headers: { ...bearer(agentToken), 'Content-Type': 'application/json' },
        body: JSON.stringify({ text: 'Bonjour, je suis Marie, je regarde votre facture.' }),
      });
      expect(sent.status).toBe(201);
      await eventually(
        () =>
          frames.find(
            (f) =>
              f.type === 'replies' &&
              f.replies?.[0]?.text === 'Bonjour, je suis Marie, je regarde votre facture.',
          ),
        'the agent reply on A’s socket',
      );
      expect(frames.filter((f) => f.type === 'replies').map((f) => f.replies?.[0]?.state)).toEqual([
        'agent_joined',
        'agent_message',
      ]);
    } finally {
      controller.abort();
      await pump;
      socket.close();
    }
  });

  it('a conversation A had with the bot and B handed to the agents: A forwards the next message, the bot is silent', async () => {
    // Each instance keeps a copy of the conversations it served; B's handover must win over A's copy.
    const address = `+336${Date.now().toString().slice(-8)}`;
    const on = (instance: Container) =>
      talk(instance.engine, { tenantId: DEMO_TENANT, channel: 'sms', address, now: IN_HOURS });
    let conversationId = '';
    await on(a)
      .send('quels sont les horaires de la mairie ?')
      .expectReply(/mairie/i)
      .check((r) => {
        conversationId = r.conversationId;
      });
    await on(b)
      .send('je veux parler à un agent')
      .expectReply(/transmets votre demande à un agent/);
    await on(a)
      .send('c’est pour ma facture d’eau')
      .check((r) => {
        expect(r).toMatchObject({ conversationId, forwardedToAgent: true, replies: [] });
      });
  });
});
