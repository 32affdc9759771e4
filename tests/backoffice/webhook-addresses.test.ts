// A tenant administrator cannot turn webhooks into a scanner of our network (issue 16 point 6): internal
// addresses are refused at registration with a clear 400; a host that resolves to a public address when it is
// registered and to 127.0.0.1 when it is delivered to (DNS rebinding) gets no delivery; the connection goes to the
// address that was checked, not to whatever DNS answers next.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import type { Resolver } from '../../adapters/outbox';
import type { Container } from '../../server/container';
import { DEMO_TENANT } from '../support/harness';
import {
  ADMIN_TOKEN,
  CONTAINER_TIMEOUT_MS,
  backofficeContainer,
  bearer,
  incidentPayload,
  rows,
  seedConversation,
} from './support';

/** A loopback receiver that counts what it is sent. */
async function receiver(): Promise<{ port: number; hits: string[]; close: () => Promise<void> }> {
  const hits: string[] = [];
  const server = http.createServer((req, res) => {
    hits.push(`${req.method} ${req.headers.host} ${req.url}`);
    req.resume();
    res.writeHead(200).end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    hits,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('webhook addresses', () => {
  let container: Container;
  /** What the fake DNS answers for receiver.test right now. */
  let answer = '93.184.216.34';
  const resolve: Resolver = (host) =>
    host === 'receiver.test' || host === 'intranet.test'
      ? Promise.resolve([{ address: host === 'intranet.test' ? '127.0.0.1' : answer, family: 4 }])
      : Promise.reject(new Error('ENOTFOUND'));
  const api = () => request(container.app);
  const run = () => container.backoffice.relay.runOnce();

  beforeAll(async () => {
    container = await backofficeContainer(
      { OUTBOX_RETRY_BASE_MS: '20', WEBHOOK_ALLOWED_HOSTS: 'intranet.test' },
      { webhookResolve: resolve },
    );
  }, CONTAINER_TIMEOUT_MS);
  afterAll(() => container.close());

  it.each([
    'http://127.0.0.1:6379/',
    'http://localhost/hook',
    'http://2130706433/',
    'http://[::1]/',
    'http://169.254.169.254/latest/meta-data/',
    'http://192.168.0.1/',
  ])('refuses to register %s, saying why', async (url) => {
    const res = await api()
      .post('/api/v1/webhooks')
      .set(bearer(ADMIN_TOKEN))
      .send({ tenantId: DEMO_TENANT, url, events: ['request.created'] });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/url: refused/);
    expect(await rows(container, 'SELECT 1 FROM webhook_subscriptions WHERE url = $1', [url])).toEqual([]);
  });

  async function deliveriesTo(url: string): Promise<{ status: string; last_error: string | null }[]> {
    return rows(
      container,
      `SELECT o.status, o.last_error FROM outbox o JOIN webhook_subscriptions w ON o.payload ->> 'subscriptionId' = w.id::text
       WHERE o.kind = 'webhook' AND w.url = $1`,
      [url],
    );
  }

  async function newRequest(): Promise<void> {
    await seedConversation(container, {
      tenantId: DEMO_TENANT,
      requests: [
        {
          type: 'report_incident',
          authorityId: 'commune-verniere',
          communeId: 'verniere',
          payload: incidentPayload('voirie', 'Trou'),
        },
      ],
    });
  }

  it('delivers nothing to a host that resolves to loopback by the time of the delivery', async () => {
    const target = await receiver();
    const url = `http://receiver.test:${target.port}/hook`;
    try {
      answer = '93.184.216.34';
      const created = await api()
        .post('/api/v1/webhooks')
        .set(bearer(ADMIN_TOKEN))
        .send({ tenantId: DEMO_TENANT, url, events: ['request.created'] });
      expect(created.status).toBe(201);
      answer = '127.0.0.1';
      await newRequest();
      for (let i = 0; i < 5; i++) await run();
      const deliveries = await deliveriesTo(url);
      expect(deliveries.length).toBeGreaterThan(0);
      expect(
        deliveries.every((d) => d.status === 'failed' && /address refused/.test(d.last_error ?? '')),
      ).toBe(true);
      expect(target.hits).toEqual([]);
    } finally {
      await target.close();
    }
  });

  it('connects to the address it checked: an allowed intranet host is reached though the system DNS does not know it', async () => {
    const target = await receiver();
    const url = `http://intranet.test:${target.port}/hook`;
    try {
      const created = await api()
        .post('/api/v1/webhooks')
        .set(bearer(ADMIN_TOKEN))
        .send({ tenantId: DEMO_TENANT, url, events: ['request.created'] });
      expect(created.status).toBe(201);
      await newRequest();
      for (let i = 0; i < 5 && target.hits.length === 0; i++) await run();
      expect(target.hits).toEqual([`POST intranet.test:${target.port} /hook`]);
      expect((await deliveriesTo(url)).map((d) => d.status)).toContain('delivered');
    } finally {
      await target.close();
    }
  });
});
