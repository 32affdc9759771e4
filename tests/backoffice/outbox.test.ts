// The outbox relay: webhooks fanned out per subscription, signed, retried with backoff until the receiver
// acknowledges, delivered once to an idempotent receiver; permanent failures; citizen notifications by
// channel; and (PostgreSQL) two relays racing never deliver a row twice, rows delivered together are marked together,
// events claimed together are fanned out together.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import {
  createWebhookFanOut,
  OutboxRelay,
  retryDelayMs,
  verifyWebhookSignature,
} from '../../adapters/outbox';
import { createSharedStore, type PostgresSharedStore } from '../../adapters/postgres';
import { createNotificationDispatcher, DeliveryViewSchema, pageOf } from '../../backoffice';
import { MemoryEventBus } from '../../adapters/memory';
import type { Container } from '../../server/container';
import { DEMO_TENANT } from '../support/harness';
import { databaseUrl, describeWith, uniqueSuffix } from '../support/services';
import {
  ADMIN_TOKEN,
  backofficeContainer,
  bearer,
  CONTAINER_TIMEOUT_MS,
  eventually,
  issueToken,
  record,
  rows,
  seedReportInVerniere,
} from './support';

const DeliveryPage = pageOf(DeliveryViewSchema);

/** A receiver that answers the scripted statuses in turn, then 200; it handles each delivery id once. */
class Receiver {
  readonly attempts: { delivery: string; status: number; signatureOk: boolean; event: string }[] = [];
  readonly handled = new Map<string, unknown>();
  private server: Server | undefined;
  url = '';

  constructor(
    private readonly script: number[],
    private readonly secret: () => string,
  ) {}

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.onRequest(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
  }

  private async onRequest(req: IncomingMessage, res: import('node:http').ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const delivery = String(req.headers['x-guichet-delivery'] ?? '');
    const signatureOk = verifyWebhookSignature(
      this.secret(),
      {
        signature: req.headers['x-guichet-signature'] as string,
        timestamp: req.headers['x-guichet-timestamp'] as string,
      },
      body,
    );
    const status = this.script.shift() ?? 200;
    this.attempts.push({
      delivery,
      status,
      signatureOk,
      event: String(req.headers['x-guichet-event'] ?? ''),
    });
    // Idempotent: the same delivery id is acknowledged again but handled once.
    if (status === 200 && signatureOk && !this.handled.has(delivery))
      this.handled.set(delivery, JSON.parse(body));
    res.writeHead(status, { 'Content-Type': 'text/plain' }).end(status === 200 ? 'ok' : 'try later');
  }

  stop(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

describe('outbox relay and webhooks', () => {
  let container: Container;
  const run = () => container.backoffice.relay.runOnce();

  beforeAll(async () => {
    // The receivers listen on loopback: an intranet receiver the platform operator allowed explicitly.
    container = await backofficeContainer({
      OUTBOX_RETRY_BASE_MS: '20',
      OUTBOX_MAX_ATTEMPTS: '4',
      WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
    });
  }, CONTAINER_TIMEOUT_MS);
  afterAll(() => container.close());

  /** Runs the relay until `done` holds (retries become due after their short test backoff). */
  async function relayUntil(done: () => Promise<boolean>, what: string): Promise<void> {
    for (let i = 0; i < 400; i++) {
      await run();
      if (await done()) return;
      await new Promise((r) => setTimeout(r, 15));
    }
    throw new Error(`relay never reached: ${what}`);
  }

  it('a receiver failing twice then succeeding gets the event once, after three signed attempts', async () => {
    let secret = '';
    const receiver = new Receiver([500, 503], () => secret);
    await receiver.start();
    try {
      const created = await request(container.app)
        .post('/api/v1/webhooks')
        .set(bearer(ADMIN_TOKEN))
        .send({
          tenantId: DEMO_TENANT,
          url: receiver.url,
          events: ['request.created', 'request.status_changed'],
        });
      expect(created.status).toBe(201);
      secret = created.body.secret;
      const seeded = await seedReportInVerniere(container, { category: 'voirie', description: 'Trou' });
      const [reference] = seeded.references;
      const delivery = `webhook:${created.body.id}:request.created:${reference}`;
      const row = async () =>
        (
          await rows<{ status: string; attempts: number; last_error: string | null }>(
            container,
            'SELECT status, attempts, last_error FROM outbox WHERE dedupe_key = $1',
            [delivery],
          )
        )[0];

      // First pass: fan-out, then a failed attempt, visible with its next attempt.
      await relayUntil(async () => (await row())?.attempts === 1, 'a first attempt');
      const supervisor = await issueToken(container, { role: 'supervisor', tenantId: DEMO_TENANT });
      const pending = DeliveryPage.parse(
        (
          await request(container.app)
            .get(`/api/v1/webhooks/deliveries?subscriptionId=${created.body.id}`)
            .set(bearer(supervisor.token))
        ).body,
      );
      expect(pending.items[0]).toMatchObject({
        dedupeKey: delivery,
        status: 'pending',
        attempts: 1,
        lastError: expect.stringMatching(/HTTP 500/),
        nextAttemptAt: expect.any(String),
        event: 'request.created',
        url: receiver.url,
      });

      await relayUntil(async () => (await row())?.status === 'delivered', 'delivery');
      expect(await row()).toEqual({ status: 'delivered', attempts: 3, last_error: null });
      expect(
        receiver.attempts
          .filter((a) => a.delivery === delivery)
          .map((a) => [a.status, a.signatureOk, a.event]),
      ).toEqual([
        [500, true, 'request.created'],
        [503, true, 'request.created'],
        [200, true, 'request.created'],
      ]);
      expect(receiver.handled.get(delivery)).toMatchObject({
        id: `request.created:${reference}`,
        event: 'request.created',
        tenantId: DEMO_TENANT,
        data: { reference, type: 'report_incident', authorityId: 'commune-verniere' },
      });

      // At-least-once: a delivery whose acknowledgement was lost (crash before the mark) comes again
      // with the same X-Guichet-Delivery, and the idempotent receiver does not handle it twice.
      await rows(
        container,
        `UPDATE outbox SET status = 'pending', next_attempt_at = now() WHERE dedupe_key = $1`,
        [delivery],
      );
      await relayUntil(async () => (await row())?.status === 'delivered', 'the re-delivery');
      expect(receiver.attempts.filter((a) => a.delivery === delivery)).toHaveLength(4);
      expect([...receiver.handled.keys()].filter((k) => k === delivery)).toHaveLength(1);

      const delivered = DeliveryPage.parse(
        (
          await request(container.app)
            .get('/api/v1/webhooks/deliveries?status=delivered')
            .set(bearer(supervisor.token))
        ).body,
      );
      expect(delivered.items.find((d) => d.dedupeKey === delivery)).toMatchObject({
        status: 'delivered',
        attempts: 4,
        deliveredAt: expect.any(String),
        nextAttemptAt: null,
      });
      const [subscription] = await rows<{ failure_count: number; last_delivery_at: Date | null }>(
        container,
        'SELECT failure_count, last_delivery_at FROM webhook_subscriptions WHERE id = $1',
        [created.body.id],
      );
      expect(subscription).toMatchObject({ failure_count: 0, last_delivery_at: expect.any(Date) });

      // A status change reaches the same subscription as its own event.
      await request(container.app)
        .post(`/api/v1/requests/${reference}/status`)
        .set(bearer(supervisor.token))
        .send({ status: 'in_progress' });
      await relayUntil(
        async () => receiver.attempts.some((a) => a.event === 'request.status_changed' && a.status === 200),
        'the status event',
      );
      const statusEvent = [...receiver.handled.values()].find(
        (b) => (b as { event: string }).event === 'request.status_changed',
      );
      expect(statusEvent).toMatchObject({ data: { reference, from: 'received', to: 'in_progress' } });
    } finally {
      await receiver.stop();
      await rows(container, 'UPDATE webhook_subscriptions SET active = false');
    }
  });

  it('stops at once on 410 Gone, and after the maximum attempts otherwise', async () => {
    const gone = new Receiver([410], () => 'unused');
    const broken = new Receiver([500, 500, 500, 500, 500, 500], () => 'unused');
    await gone.start();
    await broken.start();
    try {
      const hooks: string[] = [];
      for (const r of [gone, broken]) {
        const res = await request(container.app)
          .post('/api/v1/webhooks')
          .set(bearer(ADMIN_TOKEN))
          .send({ tenantId: DEMO_TENANT, url: r.url, events: ['conversation.handover'] });
        hooks.push(res.body.id as string);
      }
      await container.engine.handleTurn({
        tenantId: DEMO_TENANT,
        channel: 'webchat',
        address: `wc_gone${uniqueSuffix().replace(/_/g, '')}`,
        text: 'je veux parler à un agent',
      });
      const status = async (id: string) =>
        (
          await rows<{ status: string; attempts: number; last_error: string }>(
            container,
            `SELECT status, attempts, last_error FROM outbox WHERE kind = 'webhook' AND payload ->> 'subscriptionId' = $1`,
            [id],
          )
        )[0];
      await relayUntil(
        async () =>
          (await status(hooks[0]!))?.status === 'failed' && (await status(hooks[1]!))?.status === 'failed',
        'both failures',
      );
      expect(await status(hooks[0]!)).toMatchObject({
        status: 'failed',
        attempts: 1,
        last_error: expect.stringMatching(/410/),
      });
      expect(await status(hooks[1]!)).toMatchObject({
        status: 'failed',
        attempts: 4,
        last_error: expect.stringMatching(/HTTP 500/),
      });
      expect(broken.attempts).toHaveLength(4);
    } finally {
      await gone.stop();
      await broken.stop();
      await rows(container, 'UPDATE webhook_subscriptions SET active = false');
    }
  });

  it('publishes a new handover to the agents’ live feed, and pushes web chat notifications', async () => {
    const agents = await record(container, `agents:${DEMO_TENANT}`);
    try {
      const address = `wc_ho${uniqueSuffix().replace(/_/g, '')}`;
      const turn = await container.engine.handleTurn({
        tenantId: DEMO_TENANT,
        channel: 'webchat',
        address,
        text: 'je veux parler à un agent',
      });
      await relayUntil(
        async () =>
          agents.events.some(
            (e) => (e as { conversationId?: string }).conversationId === turn.conversationId,
          ),
        'the handover event',
      );
      expect(
        agents.events.find((e) => (e as { conversationId?: string }).conversationId === turn.conversationId),
      ).toMatchObject({
        type: 'conversation',
        change: 'handover',
        owner: 'queue',
        // Asked for an agent at once: no question before it (the request for an agent is not the question).
        summary: { question: null },
      });
    } finally {
      await agents.stop();
    }
  });

  it('dispatches notifications by channel: web chat pushed, SMS to the Twilio sender, the rest refused', async () => {
    const bus = new MemoryEventBus();
    const sent: unknown[] = [];
    const pushes: unknown[] = [];
    await bus.subscribe(`webchat:${DEMO_TENANT}:wc_abc`, (p) => {
      pushes.push(p);
    });
    const notify = createNotificationDispatcher({ bus, sms: async (p) => sent.push(p) });
    await notify({
      tenantId: DEMO_TENANT,
      channel: 'webchat',
      to: 'wc_abc',
      text: 'Votre demande est résolue.',
    });
    await notify({
      tenantId: DEMO_TENANT,
      channel: 'sms',
      to: '+33612345678',
      text: 'Votre demande est résolue.',
    });
    await eventually(() => (pushes.length > 0 ? true : undefined), 'the push');
    expect(pushes[0]).toMatchObject({
      kind: 'replies',
      replies: [{ type: 'text', text: 'Votre demande est résolue.' }],
    });
    expect(sent).toEqual([expect.objectContaining({ channel: 'sms', to: '+33612345678' })]);
    // A question with buttons reaches the web chat as buttons (its text alone if the reply is unreadable).
    const question = {
      type: 'choices',
      text: 'Êtes-vous satisfait(e) ?',
      choices: [{ label: '5', value: 'satisfaction:5' }],
    };
    await notify({
      tenantId: DEMO_TENANT,
      channel: 'webchat',
      to: 'wc_abc',
      text: 'Êtes-vous satisfait(e) ? 1. 5',
      reply: question,
    });
    await notify({
      tenantId: DEMO_TENANT,
      channel: 'webchat',
      to: 'wc_abc',
      text: 'Texte seul',
      reply: { type: 'html' },
    });
    await eventually(() => (pushes.length > 2 ? true : undefined), 'the pushes');
    expect(pushes.slice(1)).toEqual([
      expect.objectContaining({ replies: [question] }),
      expect.objectContaining({ replies: [{ type: 'text', text: 'Texte seul' }] }),
    ]);
    await expect(notify({ tenantId: DEMO_TENANT, channel: 'fax', to: 'x', text: 'y' })).rejects.toMatchObject(
      { code: 'BAD_REQUEST' },
    );
    await expect(notify({ nonsense: true })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    // Without Twilio, an SMS waits (retryable) instead of being lost.
    const noSms = createNotificationDispatcher({ bus });
    await expect(
      noSms({ tenantId: DEMO_TENANT, channel: 'sms', to: '+33612345678', text: 'x' }),
    ).rejects.toThrow(/not configured/);
    await bus.close();
  });

  it('backs off exponentially, with a cap', () => {
    const fixed = () => 0.5;
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, 1000, 60_000, fixed))).toEqual([1000, 2000, 4000, 8000]);
    expect(retryDelayMs(30, 1000, 60_000, fixed)).toBe(60_000);
  });
});

/** The SQL client, with the first word of every statement it runs recorded in order. */
function countingStatements(sql: PostgresSharedStore['sql']) {
  const statements: string[] = [];
  const counted = {
    ...sql,
    query: (...args: Parameters<typeof sql.query>) => {
      statements.push(args[0].trim().split(/\s+/)[0]!);
      return sql.query(...args);
    },
  } as typeof sql;
  return { counted, statements };
}

describeWith('postgres', 'outbox relay on PostgreSQL', () => {
  const schema = `bo_outbox_${uniqueSuffix()}`;
  let a: PostgresSharedStore;
  let b: PostgresSharedStore;

  beforeAll(async () => {
    a = createSharedStore({ databaseUrl: databaseUrl(), schema, poolSize: 4 });
    b = createSharedStore({ databaseUrl: databaseUrl(), schema, poolSize: 4 });
    await a.migrate();
    await a.upsertTenants([{ id: 'race', name: 'Race' }]);
  }, CONTAINER_TIMEOUT_MS);
  afterAll(async () => {
    await a.sql.exec(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
    await Promise.all([a.close(), b.close()]);
  });

  it('claims with SKIP LOCKED: every row is handled by exactly one relay', async () => {
    await a.sql.query(
      `INSERT INTO outbox (tenant_id, kind, payload, dedupe_key) SELECT 'race', 'test', '{}'::jsonb, 'race:' || n FROM generate_series(1, 60) n`,
    );
    const seen = new Map<string, string[]>();
    const handler = (who: string) => async (row: { dedupeKey: string }) => {
      seen.set(row.dedupeKey, [...(seen.get(row.dedupeKey) ?? []), who]);
      await new Promise((r) => setTimeout(r, 2));
    };
    const relays = [
      new OutboxRelay({ sql: a.sql, handlers: { test: handler('a') }, batchSize: 5 }),
      new OutboxRelay({ sql: b.sql, handlers: { test: handler('b') }, batchSize: 5 }),
    ];
    const drain = async (relay: OutboxRelay) => {
      while ((await relay.runOnce()) > 0) {
        // keep claiming
      }
    };
    await Promise.all([drain(relays[0]!), drain(relays[1]!), drain(relays[0]!), drain(relays[1]!)]);
    expect(seen.size).toBe(60);
    expect([...seen.values()].every((who) => who.length === 1)).toBe(true);
    expect(new Set([...seen.values()].flat())).toEqual(new Set(['a', 'b']));
    const left = await a.sql.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM outbox WHERE status <> 'delivered' AND tenant_id = 'race'`,
    );
    expect(left.rows[0]?.n).toBe(0);
  });

  it('marks the rows delivered together in one statement, and a failed one among them alone for a retry', async () => {
    await a.sql.query(
      `INSERT INTO outbox (tenant_id, kind, payload, dedupe_key)
       SELECT 'race', 'together', jsonb_build_object('n', n), 'together:' || n FROM generate_series(1, 8) n`,
    );
    const { counted, statements } = countingStatements(a.sql);
    const relay = new OutboxRelay({
      sql: counted,
      batchSize: 20,
      handlers: {
        together: async (row) => {
          if (row.payload.n === 5) throw new Error('receiver down');
        },
      },
    });
    expect(await relay.runOnce()).toBe(8);
    const status = await a.sql.query<{
      n: number;
      status: string;
      attempts: number;
      last_error: string | null;
    }>(
      `SELECT (payload ->> 'n')::int AS n, status, attempts, last_error FROM outbox WHERE kind = 'together' ORDER BY 1`,
    );
    expect(status.rows.filter((r) => r.status === 'delivered').map((r) => r.n)).toEqual([
      1, 2, 3, 4, 6, 7, 8,
    ]);
    expect(status.rows.find((r) => r.n === 5)).toMatchObject({ status: 'pending', attempts: 1 });
    expect(status.rows.find((r) => r.n === 5)?.last_error).toMatch(/receiver down/);
    // The claim, one mark for the seven delivered rows, the failure's record.
    expect(statements).toEqual(['WITH', 'UPDATE', 'UPDATE']);
  });

  it('fans out the events of a batch with one statement, each to the subscriptions it concerns', async () => {
    await a.upsertTenants([{ id: 'other', name: 'Other' }]);
    const subscriptions = await a.sql.query<{ id: string; name: string }>(
      `INSERT INTO webhook_subscriptions (tenant_id, authority_id, url, secret, events, active)
       VALUES ('race', NULL, 'https://all.example/hook', 's', '{request.created,request.status_changed}', true),
              ('race', 'voirie', 'https://voirie.example/hook', 's', '{request.created,request.transferred}', true),
              ('race', NULL, 'https://off.example/hook', 's', '{request.created}', false),
              ('other', NULL, 'https://other.example/hook', 's', '{request.created}', true)
       RETURNING id, url AS name`,
    );
    const named = new Map(subscriptions.rows.map((r) => [r.id, new URL(r.name).hostname.split('.')[0]]));
    const events = [
      ['request.created', { authorityId: 'voirie', requestId: 'r1' }],
      ['request.created', { authorityId: 'ecoles', requestId: 'r2' }],
      ['request.status_changed', { authorityId: 'voirie', requestId: 'r1' }],
      ['request.transferred', { authorityId: 'ecoles', previousAuthorityId: 'voirie', requestId: 'r2' }],
      ['conversation.handover', { conversationId: 'c1' }],
    ] as const;
    for (const [i, [kind, payload]] of events.entries())
      await a.sql.query(
        `INSERT INTO outbox (tenant_id, kind, payload, dedupe_key) VALUES ('race', $1, $2::jsonb, $3)`,
        [kind, JSON.stringify(payload), `fan:${i}`],
      );
    const { counted, statements } = countingStatements(a.sql);
    const fanOut = createWebhookFanOut(counted);
    const kinds = [...new Set(events.map(([kind]) => kind))];
    const relay = new OutboxRelay({
      sql: counted,
      batchSize: 20,
      handlers: Object.fromEntries(kinds.map((kind) => [kind, fanOut])),
    });
    expect(await relay.runOnce()).toBe(5);
    // The claim, one fan-out for the five events, one mark.
    expect(statements).toEqual(['WITH', 'INSERT', 'UPDATE']);
    const made = await a.sql.query<{ dedupe_key: string; payload: Record<string, string> }>(
      `SELECT dedupe_key, payload FROM outbox WHERE kind = 'webhook' ORDER BY dedupe_key`,
    );
    const deliveries = made.rows
      .map((r) => `${r.dedupe_key.split(':').slice(2).join(':')} → ${named.get(r.payload.subscriptionId!)}`)
      .sort();
    expect(deliveries).toEqual([
      'fan:0 → all',
      'fan:0 → voirie',
      'fan:1 → all',
      'fan:2 → all',
      'fan:3 → voirie', // the authority that gave the request away
    ]);
    const transfer = made.rows.find((r) => r.dedupe_key.endsWith(':fan:3'))!;
    expect(transfer.payload).toMatchObject({ event: 'request.transferred', requestId: 'r2' });
    expect(JSON.parse(transfer.payload.body!)).toMatchObject({ id: 'fan:3', event: 'request.transferred' });
    // Fanned out again (a relay that died before its mark): nothing doubled.
    await a.sql.query(`UPDATE outbox SET status = 'pending' WHERE dedupe_key LIKE 'fan:%'`);
    expect(await relay.runOnce()).toBe(5);
    const again = await a.sql.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM outbox WHERE kind = 'webhook'`,
    );
    expect(again.rows[0]?.n).toBe(5);
  });
});
