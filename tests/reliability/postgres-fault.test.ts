// PostgreSQL really stopped (a dedicated cluster, `pg_ctl stop -m immediate`) just before the citizen's
// confirming "oui": the reply must not announce a reference (nothing was committed), it gives the counter's
// phone number instead; after the restart the request does not exist, and confirming again records it once.
import request from 'supertest';
import type { PostgresSharedStore } from '../../adapters/postgres';
import type { Container } from '../../server/container';
import { messagesOf, mobile, postSigned, smsParams, TWILIO_ENV } from '../channels/twilio-helpers';
import { createTestContainer, DEMO_TENANT } from '../support/harness';
import { describeWithBinaries, startPostgres, type DedicatedPostgres } from '../support/servers';
import {
  appWebchat,
  choice,
  REFERENCE,
  reportUpToConfirmation,
  sleep,
  type WebchatAnswer,
  type WebchatPost,
} from './helpers';

describeWithBinaries(['postgres'], 'when PostgreSQL fails', () => {
  let pg: DedicatedPostgres;
  let container: Container;
  let post: WebchatPost;

  beforeAll(async () => {
    pg = await startPostgres();
    container = await createTestContainer({ DATABASE_URL: pg.url, ...TWILIO_ENV });
    post = appWebchat(container.app);
  }, 180_000);
  afterAll(async () => {
    await container?.close();
    await pg?.destroy();
  });

  const requestsOf = async (address: string): Promise<number> => {
    const sql = (container.store as PostgresSharedStore).sql;
    const rows = await sql.query(
      `SELECT r.id FROM requests r JOIN conversations c ON c.id = r.conversation_id WHERE c.address = $1 AND c.channel = 'webchat'`,
      [address],
    );
    return rows.rows.length;
  };

  it('never confirms a request that was not committed, and records it once PostgreSQL is back', async () => {
    const open = await reportUpToConfirmation(post, { lat: 47.09, lon: 6.09 });
    const yes = choice(open.last, /Oui, enregistrer/)!;

    await pg.stop('immediate');
    const down = await post({
      conversationId: open.conversationId,
      token: open.token,
      clientMessageId: 'yes-1',
      ...yes,
    });
    expect(down.status).toBe(503);
    expect(down.text).not.toMatch(REFERENCE);
    expect(down.text).not.toMatch(/enregistré/);
    expect(down.text).toMatch(/01 99 00 10 00/);
    // SMS too: the degraded answer as TwiML, not an error.
    const started = Date.now();
    const sms = await postSigned(
      container.app,
      '/channels/twilio/sms',
      smsParams({ From: mobile(), Body: 'bonjour' }),
    );
    const smsMs = Date.now() - started;
    expect(sms.status).toBe(200);
    expect(messagesOf(sms.text).join(' ')).toMatch(/indisponible.*01 99 00 10 00/s);
    expect((await request(container.app).get('/readyz')).body.checks.store).toBe('unavailable');

    await pg.start();
    const back = Date.now();
    let recovered: WebchatAnswer | undefined;
    while (Date.now() - back < 30_000) {
      const attempt = await post({ text: 'bonjour' });
      if (attempt.status === 200) {
        recovered = attempt;
        break;
      }
      await sleep(100);
    }
    const recoveryMs = Date.now() - back;
    expect(recovered?.status).toBe(200);

    // Nothing was committed while it was down…
    expect(await requestsOf(open.conversationId)).toBe(0);
    // …and the same click (the failed attempt gave its claim up) now records the request, once.
    const again = await post({
      conversationId: open.conversationId,
      token: open.token,
      clientMessageId: 'yes-1',
      ...yes,
    });
    expect(again.status).toBe(200);
    const reference = REFERENCE.exec(again.text)?.[0];
    expect(reference).toBeDefined();
    expect(await requestsOf(open.conversationId)).toBe(1);
    expect(await container.store.getRequestByReference(DEMO_TENANT, reference!)).toMatchObject({
      status: 'received',
    });

    console.log(
      `[figures] PostgreSQL down: web chat degraded answer ${down.ms} ms, SMS ${smsMs} ms; recovered ${recoveryMs} ms after PostgreSQL came back`,
    );
  }, 120_000);
});
