// The documented deployment (docs/deployment.md): three instances of the built server behind HAProxy with the
// repository's own configuration (deploy/haproxy/haproxy.cfg), sharing a PostgreSQL and a Redis, no sticky
// sessions. Citizens text through the proxy while one instance is SIGKILLed and restarted: every message is
// stored once, in the order it was sent, and answered — by another instance when its own died. The web chat's
// WebSocket and the agents' live stream (SSE) work through the proxy although each request may land on a
// different instance. Small load: this checks correctness; the figures are the benchmark's.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import twilio from 'twilio';
import { WebSocket } from 'ws';
import { createPgClient, type SqlClient } from '../../adapters/postgres';
import { decodeXml, REGISTERED_REFERENCE, REPORT_OPENING, reportAnswer } from '../../bench/citizen-scripts';
import { startFakeGeocoder } from '../../bench/fake-geocoder';
import { sleep, spawnServer, type ServerProcess } from '../reliability/helpers';
import { fakeServer, type FakeServer } from '../smoke/support';
import { metricValue } from '../support/metrics';
import {
  describeWithBinaries,
  freePort,
  startHaproxy,
  startPostgres,
  startRedis,
  type DedicatedPostgres,
  type DedicatedRedis,
  type RunningHaproxy,
} from '../support/servers';

const AUTH_TOKEN = 'c0ffee0123456789abcdef0123456789';
const ACCOUNT_SID = `AC${'7'.repeat(32)}`;
const PUBLIC_URL = 'https://guichet.deploy.example';
const SMS_PATH = '/channels/twilio/sms';
/** The demo territory's SMS number (knowledge/territories/val-de-loue). */
const DEMO_NUMBER = '+33939980101';
const ADMIN_TOKEN = 'deploy-test-admin-token-0123456789';
const METRICS_TOKEN = 'deploy-test-metrics-token-0123456789';

/** Twilio's own window for a webhook: a 15 s read timeout, then its retry (connection overrides #rt, #rc). */
const PROVIDER_WINDOW_MS = 15_000;

interface Citizen {
  phone: string;
  sent: string[];
  answered: number;
  /** Deliveries that had to be retried (the instance died or the proxy answered an error). */
  retried: number;
  /** Deliveries acknowledged at once and answered later through Twilio's REST API. */
  viaRest: number;
  /** [sent, answered] times of each delivery (answered: Infinity until then). */
  timings: [number, number][];
  /** The references the bot announced ("enregistrée sous la référence DEM-…"). */
  references: string[];
}

const AGENT_REPLIES = ['Bonjour, je suis Marie.', 'Je regarde votre facture.', 'C’est réglé.'];

describeWithBinaries(['postgres', 'redis-server', 'haproxy'], 'three instances behind HAProxy', () => {
  let pg: DedicatedPostgres;
  let redis: DedicatedRedis;
  let sql: SqlClient;
  let twilioApi: FakeServer;
  let proxy: RunningHaproxy;
  let geocoder: Awaited<ReturnType<typeof startFakeGeocoder>>;
  /** The second instance's own address API: the test sees when that instance has a turn in flight. */
  let victimGeocoder: Awaited<ReturnType<typeof startFakeGeocoder>>;
  const instances: ServerProcess[] = [];
  const dataDirs: string[] = [];
  let env: Record<string, string>;

  /** Each instance's metrics address (METRICS_BIND), kept across a restart, as a deployment's would be. */
  const metricsPorts = new Map<number, number>();
  const start = async (port: number, own: Record<string, string> = {}): Promise<ServerProcess> => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'guichet-deploy-'));
    dataDirs.push(dataDir);
    if (!metricsPorts.has(port)) metricsPorts.set(port, await freePort());
    const metrics = { METRICS_BIND: `127.0.0.1:${metricsPorts.get(port)}`, METRICS_TOKEN };
    return spawnServer({ ...env, DATA_DIR: dataDir, ...metrics, ...own }, port);
  };

  beforeAll(async () => {
    [pg, redis, twilioApi] = await Promise.all([
      startPostgres(),
      startRedis(),
      fakeServer(() => ({ status: 201, body: { sid: `SM${'0'.repeat(32)}`, status: 'queued' } })),
    ]);
    geocoder = await startFakeGeocoder(400);
    victimGeocoder = await startFakeGeocoder(400);
    sql = createPgClient({ databaseUrl: pg.url, schema: 'public', poolSize: 2 });
    env = {
      DATABASE_URL: pg.url,
      REDIS_URL: redis.url,
      WEBCHAT_SECRET: 'deploy-test-webchat-secret-0123456789',
      ADMIN_TOKEN,
      TWILIO_AUTH_TOKEN: AUTH_TOKEN,
      TWILIO_ACCOUNT_SID: ACCOUNT_SID,
      TWILIO_API_BASE_URL: twilioApi.url,
      PUBLIC_URL,
      RATE_LIMITS_ENABLED: 'false',
      RETENTION_INTERVAL_MINUTES: '0',
      GEOCODING_RETRY_MINUTES: '0',
      GEOCODER_URL: geocoder.url,
      // Every citizen here reports the same address: kept in memory, it would leave no lookup in flight to be
      // killed in the middle of (the victim is killed while it waits on the address API).
      GEOCODER_CACHE_ENTRIES: '0',
    };
    const ports = await Promise.all([freePort(), freePort(), freePort()]);
    // The first instance migrates the schema alone; the two others then start side by side.
    instances.push(await start(ports[0]!));
    instances.push(
      ...(await Promise.all([start(ports[1]!, { GEOCODER_URL: victimGeocoder.url }), start(ports[2]!)])),
    );
    proxy = await startHaproxy(ports.map((p) => `127.0.0.1:${p}`));
  }, 240_000);

  afterAll(async () => {
    await proxy?.stop();
    for (const instance of instances) {
      if (instance.child.exitCode === null && instance.child.signalCode === null) {
        instance.child.kill('SIGTERM');
        await instance.exited;
      }
    }
    await sql?.close();
    await twilioApi?.close();
    geocoder?.close();
    victimGeocoder?.close();
    await redis?.stop();
    await pg?.destroy();
    for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  /** Twilio's delivery of one SMS: signed for the public URL, retried with the same MessageSid on failure. */
  async function deliver(citizen: Citizen, body: string): Promise<string> {
    const messageSid = `SM${citizen.phone.slice(-8)}${String(citizen.sent.length).padStart(4, '0')}${'a'.repeat(20)}`;
    citizen.sent.push(messageSid);
    const params: Record<string, string> = {
      MessageSid: messageSid,
      SmsSid: messageSid,
      AccountSid: ACCOUNT_SID,
      From: citizen.phone,
      To: DEMO_NUMBER,
      Body: body,
      NumMedia: '0',
      ApiVersion: '2010-04-01',
    };
    const signature = twilio.getExpectedTwilioSignature(AUTH_TOKEN, `${PUBLIC_URL}${SMS_PATH}`, params);
    const deadline = Date.now() + PROVIDER_WINDOW_MS * 2;
    const timing: [number, number] = [Date.now(), Infinity];
    citizen.timings.push(timing);
    const answered = (reply: string): string => {
      timing[1] = Date.now();
      citizen.answered += 1;
      return reply;
    };
    for (let attempt = 0; ; attempt++) {
      if (attempt > 0) citizen.retried += 1;
      const res = await fetch(`${proxy.url}${SMS_PATH}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': signature },
        body: new URLSearchParams(params).toString(),
        signal: AbortSignal.timeout(PROVIDER_WINDOW_MS),
      }).catch(() => undefined);
      if (res?.ok) {
        const twiml = await res.text();
        // Answered in the TwiML, or acknowledged and answered through the REST API (a slow turn).
        if (/<Message>/.test(twiml)) return answered(decodeXml(twiml));
        citizen.viaRest += 1;
        await until(
          () => restSends(citizen.phone).length >= citizen.viaRest,
          `${citizen.phone}: the REST answer`,
          PROVIDER_WINDOW_MS * 2,
        );
        return answered(restSends(citizen.phone).at(-1)!);
      }
      if (Date.now() > deadline) throw new Error(`${citizen.phone}: ${body} never answered (${res?.status})`);
      await sleep(500);
    }
  }

  /** The bodies Guichet sent to `phone` through Twilio's REST API, oldest first. */
  const restSends = (phone: string): string[] =>
    twilioApi.requests
      .map((r) => new URLSearchParams(r.body))
      .filter((p) => p.get('To') === phone)
      .map((p) => p.get('Body') ?? '');

  it('loses, duplicates and reorders nothing when an instance is SIGKILLed mid-load, and answers everyone', async () => {
    const citizens: Citizen[] = Array.from({ length: 9 }, (_, i) => ({
      phone: `+3367000${String(1000 + i)}`,
      sent: [],
      answered: 0,
      retried: 0,
      viaRest: 0,
      references: [],
      timings: [],
    }));
    // Each citizen reports two incidents (the address step waits on a slow address API, so turns are in
    // flight when the instance dies), asking the opening hours in between.
    const rounds = 2;
    let delivered = 0;
    const load = citizens.map(async (citizen, i) => {
      await sleep(i * 40);
      for (let round = 0; round < rounds; round++) {
        let reply = await deliver(citizen, REPORT_OPENING);
        for (let step = 0; step < 12 && !REGISTERED_REFERENCE.test(reply); step++) {
          delivered += 1;
          reply = await deliver(citizen, reportAnswer(reply));
        }
        const reference = REGISTERED_REFERENCE.exec(reply)?.[1];
        if (reference) citizen.references.push(reference);
        await deliver(citizen, 'la mairie est ouverte samedi ?');
        delivered += 1;
      }
    });

    // Once the load is well under way, the second instance dies without a chance to finish anything.
    const victim = instances[1]!;
    const total = citizens.length * rounds * 7;
    // It is killed while it waits on the address API for a citizen: a turn is in flight there. Address
    // lookups happen once per report (the opening names the street), so the wait is for one of them once a few
    // messages went through — bounded, and a clear failure if the load ends without one on that instance.
    let loadEnded = false;
    void Promise.allSettled(load).then(() => (loadEnded = true));
    const killBy = Date.now() + 60_000;
    while (delivered < citizens.length / 3 || victimGeocoder.pending() === 0) {
      if (loadEnded || Date.now() > killBy)
        throw new Error(
          `no turn was waiting on the second instance's address API (${delivered}/${total} delivered)`,
        );
      await sleep(5);
    }
    victim.child.kill('SIGKILL');
    await victim.exited;
    const killedAt = Date.now();
    const inFlightAtKill = (): number =>
      citizens.flatMap((c) => c.timings).filter(([from, to]) => from < killedAt && to > killedAt).length;
    // ...and comes back a few seconds later, on the same port, while the citizens go on texting.
    await sleep(2000);
    instances[1] = await start(victim.port, { GEOCODER_URL: victimGeocoder.url });
    await Promise.all(load);

    // Every message the citizens sent is in the transcript exactly once, in the order they sent it.
    for (const citizen of citizens) {
      const rows = await sql.query<{ provider_message_id: string }>(
        `SELECT m.provider_message_id FROM messages m JOIN conversations c ON c.id = m.conversation_id
          WHERE c.address = $1 AND m.direction = 'in' ORDER BY m.id`,
        [citizen.phone],
      );
      expect(rows.rows.map((r) => r.provider_message_id)).toEqual(citizen.sent);
      expect(citizen.answered).toBe(citizen.sent.length);
    }
    // The premise held: deliveries were in flight when the instance died (the one waiting on its address API
    // among them), and they are in the transcript above like every other one.
    expect(inFlightAtKill()).toBeGreaterThan(0);
    // Each bot answer is stored once per message (no turn was run twice).
    const doubled = await sql.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM (
         SELECT m.conversation_id, m.provider_message_id FROM messages m
          WHERE m.direction = 'in' GROUP BY 1, 2 HAVING count(*) > 1) d`,
    );
    expect(doubled.rows[0]!.n).toBe(0);
    // Every announced reference exists, once; no citizen has a request they were not told about (a turn
    // committed by the dead instance and run again elsewhere would have made a second one).
    expect(citizens.flatMap((c) => c.references).length).toBeGreaterThanOrEqual(citizens.length);
    for (const citizen of citizens) {
      const requests = await sql.query<{ reference: string }>(
        `SELECT r.reference FROM requests r JOIN conversations c ON c.id = r.conversation_id
          WHERE c.address = $1 ORDER BY r.created_at`,
        [citizen.phone],
      );
      expect(requests.rows.map((r) => r.reference)).toEqual(citizen.references);
    }
  }, 180_000);

  it('carries the web chat socket and the agents’ live stream through the proxy, whatever instance answers', async () => {
    const base = proxy.url;
    const first = await fetch(`${base}/channels/webchat/messages`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ text: 'je veux parler à un agent', tenant: 'demo' }),
    });
    expect(first.status).toBe(200);
    const { conversationId: address, token: chatToken } = (await first.json()) as {
      conversationId: string;
      token: string;
    };
    const frames: { type: string; replies?: { text?: string }[] }[] = [];
    const socket = new WebSocket(
      `${base.replace('http', 'ws')}/channels/webchat/ws?${new URLSearchParams({ conversationId: address, token: chatToken, tenant: 'demo' })}`,
    );
    socket.on('message', (data) => frames.push(JSON.parse(String(data)) as (typeof frames)[number]));
    await until(() => frames.some((f) => f.type === 'ready'), 'the socket through the proxy');

    const issued = await fetch(`${base}/api/v1/tokens`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ role: 'agent', tenantId: 'val-de-loue', name: 'Marie' }),
    });
    expect(issued.status).toBe(201);
    const { token: agentToken } = (await issued.json()) as { token: string };
    const agent = { Authorization: `Bearer ${agentToken}` };
    const controller = new AbortController();
    const stream = await fetch(`${base}/api/v1/events`, { headers: agent, signal: controller.signal });
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
      await until(() => events.includes('event: ready'), 'the event stream through the proxy');
      // The agent takes the conversation over (whatever the agents' hours said to the citizen).
      const list = (await (
        await fetch(`${base}/api/v1/conversations?channel=webchat&limit=50`, { headers: agent })
      ).json()) as { items: { id: string; address: string }[] };
      const conversation = list.items.find((c) => c.address === address)!;
      expect(conversation).toBeDefined();
      const taken = await fetch(`${base}/api/v1/conversations/${conversation.id}/takeover`, {
        method: 'POST',
        headers: { ...agent, 'Content-Type': 'application/json' },
        body: '{}',
      });
      expect(taken.status).toBe(200);
      // Several messages, so that round-robin spreads them over the instances: each reaches the stream.
      for (const text of ['C’est pour ma facture d’eau', 'Elle est arrivée hier', 'Merci de votre aide']) {
        const res = await fetch(`${base}/channels/webchat/messages`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ text, tenant: 'demo', conversationId: address, token: chatToken }),
        });
        expect(res.status).toBe(200);
        await until(() => events.includes(text), `"${text}" on the agents’ stream`);
      }
      for (const text of AGENT_REPLIES) {
        const sent = await fetch(`${base}/api/v1/conversations/${conversation.id}/messages`, {
          method: 'POST',
          headers: { ...agent, 'Content-Type': 'application/json' },
          body: JSON.stringify({ text }),
        });
        expect(sent.status).toBe(201);
      }
      // The citizen's socket, held by one instance, receives the agent's three replies in order.
      const agentTexts = (): string[] =>
        frames
          .flatMap((f) => (f.type === 'replies' ? (f.replies ?? []).map((r) => r.text ?? '') : []))
          .filter((t) => AGENT_REPLIES.includes(t));
      await until(
        () => agentTexts().length >= AGENT_REPLIES.length,
        'the agent’s replies on the citizen’s socket',
      );
      expect(agentTexts()).toEqual(AGENT_REPLIES);
    } finally {
      controller.abort();
      await pump;
      socket.close();
    }
  }, 60_000);

  it('serves each instance’s metrics on its own address, not through the proxy', async () => {
    // Prometheus scrapes every instance (docs/deployment.md): the proxy would reach any one of them.
    expect((await fetch(`${proxy.url}/metrics`)).status).toBe(404);
    const scraped = await Promise.all(
      [...metricsPorts.values()].map(async (port) => {
        const res = await fetch(`http://127.0.0.1:${port}/metrics`, {
          headers: { authorization: `Bearer ${METRICS_TOKEN}` },
        });
        expect(res.status).toBe(200);
        const text = await res.text();
        return {
          started: metricValue(text, 'process_start_time_seconds'),
          // The restarted instance may not have answered an SMS yet: no series, none counted.
          sms: metricValue(text, 'guichet_turns_total{channel="sms",outcome="answered"}', 0),
        };
      }),
    );
    // Three processes, the killed one restarted since (its counts start again).
    expect(new Set(scraped.map((s) => s.started)).size).toBe(3);
    // Round robin gave the SMS of the first test to every instance; the two never killed counted theirs.
    expect(scraped[0]!.sms).toBeGreaterThan(0);
    expect(scraped[2]!.sms).toBeGreaterThan(0);
  }, 30_000);
});

async function until(check: () => boolean, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`still waiting for ${what} after ${ms} ms`);
    await sleep(50);
  }
}
