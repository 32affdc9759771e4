// Erasure leaves nothing (issue 16 point 4): a citizen's name, e-mail, phone number and street are planted
// everywhere they can land — the transcript, a report's description, an agent's status note, the notification
// sent to the citizen, the status-change event and the webhook delivery made of it, Redis — then the contact is
// erased through the API, and a full `pg_dump` of the database schema and every Redis key are searched for each
// planted value.
import { execFileSync } from 'node:child_process';
import request from 'supertest';
import { createWebhookFanOut } from '../../adapters/outbox/webhooks';
import { closeClient, createRedisClient, type RedisClient } from '../../adapters/redis';
import type { SqlClient } from '../../adapters/postgres/sql-client';
import type { Container } from '../../server/container';
import { createTestContainer, DEMO_TENANT } from '../support/harness';
import { databaseUrl, describeWith, redisUrl, uniqueSuffix } from '../support/services';

const ADMIN_TOKEN = 'test-admin-token-erasure-dump-0123456789';

describeWith('postgres', 'erasure, searched in a full dump', () => {
  const suffix = uniqueSuffix();
  const schema = `erasure_${suffix}`.toLowerCase();
  const keyPrefix = `test:${suffix}:`;
  let container: Container;
  let redis: RedisClient;
  let sql: SqlClient;

  beforeAll(async () => {
    container = await createTestContainer(
      { DATABASE_URL: databaseUrl(), REDIS_URL: redisUrl(), RATE_LIMITS_ENABLED: 'false', ADMIN_TOKEN },
      { databaseSchema: schema, redisKeyPrefix: keyPrefix },
    );
    sql = (container.store as unknown as { sql: SqlClient }).sql;
    redis = createRedisClient(redisUrl());
  }, 120_000);
  afterAll(async () => {
    const keys = await redis.keys(`${keyPrefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await sql.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
    await Promise.allSettled([closeClient(redis), container.close()]);
  }, 120_000);

  /** The schema's data as pg_dump writes it (COPY blocks), plus every Redis key and value of this suite. */
  async function everything(): Promise<string> {
    const dump = execFileSync('pg_dump', ['--data-only', `--schema=${schema}`, databaseUrl()], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    const keys = await redis.keys(`${keyPrefix}*`);
    const values = await Promise.all(
      keys.map(async (key) => {
        const type = await redis.type(key);
        if (type === 'string') return `${key} ${await redis.get(key)}`;
        if (type === 'hash') return `${key} ${JSON.stringify(await redis.hgetall(key))}`;
        if (type === 'list') return `${key} ${JSON.stringify(await redis.lrange(key, 0, -1))}`;
        if (type === 'zset') return `${key} ${JSON.stringify(await redis.zrange(key, '0', '-1'))}`;
        return key;
      }),
    );
    return `${dump}\n${values.join('\n')}`;
  }

  it('finds none of the planted values anywhere after the erasure', async () => {
    const digits = `61${Date.now().toString().slice(-7)}`;
    const phone = `+33${digits}`;
    const name = `Ermengarde Vauquelin-${suffix.slice(-4)}`;
    const email = `ermengarde.${suffix.slice(-6)}@example.org`;
    const street = 'impasse des Glycines-Ombreuses';
    const turn = (text: string, location?: { lat: number; lon: number }) =>
      container.engine.handleTurn({
        tenantId: DEMO_TENANT,
        channel: 'sms',
        address: phone,
        providerMessageId: `SM${uniqueSuffix()}`,
        text,
        location,
      });
    await turn('je voudrais signaler un lampadaire en panne');
    await turn('ma position', { lat: 47.09, lon: 6.09 });
    await turn('Vernière');
    await turn(`Devant chez ${name}, 3 ${street}, écrivez à ${email}`);
    const confirmed = await turn('oui');
    const reference = /DEM-\d{4}-[0-9A-Z]{6}/.exec(
      confirmed.replies.map((r) => JSON.stringify(r)).join(' '),
    )?.[0];
    expect(reference).toBeDefined();

    // An agent's status note names the citizen (told to them by SMS: a notification row).
    const api = () => request(container.app);
    await api()
      .post(`/api/v1/requests/${reference}/status?tenant=${DEMO_TENANT}`)
      .set('Authorization', `Bearer ${ADMIN_TOKEN}`)
      .send({ status: 'in_progress', note: `${name} rappelée au ${phone}, passage ${street}` })
      .expect(200);
    // A territory's webhook receives the status change (its delivery row holds the body).
    await sql.query(
      `INSERT INTO webhook_subscriptions (tenant_id, url, secret, events) VALUES ($1, 'https://hooks.example.org/in', 's', ARRAY['request.status_changed'])`,
      [DEMO_TENANT],
    );
    const changed = await sql.query<{ id: string; payload: Record<string, unknown>; dedupe_key: string }>(
      `SELECT id::text, payload, dedupe_key FROM outbox WHERE kind = 'request.status_changed'`,
    );
    const fanOut = createWebhookFanOut(sql);
    for (const row of changed.rows)
      await fanOut({
        id: row.id,
        tenantId: DEMO_TENANT,
        kind: 'request.status_changed',
        payload: row.payload,
        dedupeKey: row.dedupe_key,
        attempt: 1,
      });

    const planted = [name, email, phone, digits, street];
    const before = await everything();
    // The plants did land where the issue found them (else this test proves nothing).
    expect(planted.filter((value) => !before.includes(value))).toEqual([]);
    expect((await sql.query(`SELECT 1 FROM outbox WHERE kind = 'webhook'`)).rows.length).toBeGreaterThan(0);

    const conversation = await container.store.findConversation({
      tenantId: DEMO_TENANT,
      channel: 'sms',
      address: phone,
    });
    await api()
      .post(`/api/v1/contacts/${conversation!.contactId}/erase?tenant=${DEMO_TENANT}`)
      .set('Authorization', `Bearer ${ADMIN_TOKEN}`)
      .expect(200);

    const after = await everything();
    const leaks = planted.filter((value) => after.includes(value));
    expect(leaks).toEqual([]);
    // The request itself stays (statistics, the place of a public-space problem), without the person.
    const kept = await sql.query<{ status: string; payload: Record<string, unknown> }>(
      'SELECT status, payload FROM requests WHERE reference = $1',
      [reference],
    );
    expect(kept.rows[0]).toMatchObject({ status: 'in_progress', payload: { anonymised: true } });
    // Nor does the public Open311 read serve any of it.
    const open311 = await api().get(`/open311/v2/requests.json?jurisdiction_id=${DEMO_TENANT}`);
    expect(planted.filter((value) => JSON.stringify(open311.body).includes(value))).toEqual([]);
  });
});
