// Every connection of the pool busy: a citizen's SMS waits DATABASE_CONNECT_TIMEOUT_MS for one, then gets the
// degraded answer (the counter's phone number) instead of waiting on; once a connection is free again, the next
// message is answered normally.
import type { PostgresSharedStore } from '../../adapters/postgres';
import type { Container } from '../../server/container';
import { messagesOf, mobile, postSigned, smsParams, TWILIO_ENV } from '../channels/twilio-helpers';
import { createTestContainer } from '../support/harness';
import { databaseUrl, describeWith, uniqueSuffix } from '../support/services';

describeWith('postgres', 'when every pooled PostgreSQL connection is busy', () => {
  const schema = `pool_wait_${uniqueSuffix()}`.toLowerCase();
  let container: Container;

  beforeAll(async () => {
    container = await createTestContainer(
      {
        DATABASE_URL: databaseUrl(),
        DATABASE_POOL_SIZE: '1',
        DATABASE_CONNECT_TIMEOUT_MS: '300',
        ...TWILIO_ENV,
      },
      { databaseSchema: schema },
    );
  }, 180_000);
  afterAll(async () => {
    await (container?.store as PostgresSharedStore | undefined)?.sql
      .exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
      .catch(() => undefined);
    await container?.close();
  });

  it('answers with the counter’s number after the configured wait, and normally once a connection is free', async () => {
    const sql = (container.store as PostgresSharedStore).sql;
    // The pool's only connection is held longer than the configured wait, not as long as the default 3 s: with the
    // default, the message would wait for it and be answered normally.
    const held = sql.query('SELECT pg_sleep(2)');
    const from = mobile();
    const busy = await postSigned(
      container.app,
      '/channels/twilio/sms',
      smsParams({ From: from, Body: 'bonjour' }),
    );
    expect(busy.status).toBe(200);
    expect(messagesOf(busy.text).join(' ')).toMatch(/indisponible.*01 99 00 10 00/s);

    await held;
    const free = await postSigned(
      container.app,
      '/channels/twilio/sms',
      smsParams({ From: from, Body: 'bonjour' }),
    );
    expect(free.status).toBe(200);
    expect(messagesOf(free.text).join(' ')).not.toMatch(/indisponible/);
  }, 30_000);
});
