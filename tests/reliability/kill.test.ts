// A server process (`node dist/server/main.js`, PostgreSQL on a dedicated cluster) SIGKILLed at a
// random point while citizens report incidents: every turn is either fully in the store or not at all,
// every reference a citizen was given exists, and after a restart the outbox relay delivers what was
// committed and conversations go on.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createPgClient, type SqlClient } from '../../adapters/postgres';
import { describeWithBinaries, freePort, startPostgres, type DedicatedPostgres } from '../support/servers';
import {
  choice,
  httpWebchat,
  REFERENCE,
  reportUpToConfirmation,
  sleep,
  spawnServer,
  storeProblems,
  type ServerProcess,
} from './helpers';

describeWithBinaries(['postgres'], 'a server killed during turns', () => {
  let pg: DedicatedPostgres;
  let sql: SqlClient;
  let dataDir: string;
  let server: ServerProcess | undefined;
  let env: Record<string, string>;
  let port: number;

  beforeAll(async () => {
    pg = await startPostgres();
    sql = createPgClient({ databaseUrl: pg.url, schema: 'public', poolSize: 2 });
    dataDir = mkdtempSync(path.join(tmpdir(), 'guichet-kill-'));
    port = await freePort();
    env = {
      DATABASE_URL: pg.url,
      DATA_DIR: dataDir,
      WEBCHAT_SECRET: 'kill-test-webchat-secret',
      RATE_LIMITS_ENABLED: 'false',
      RETENTION_INTERVAL_MINUTES: '0',
    };
  }, 60_000);
  afterAll(async () => {
    if (server && server.child.exitCode === null) {
      server.child.kill('SIGKILL');
      await server.exited;
    }
    await sql?.close();
    await pg?.destroy();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps the store consistent, and the relay delivers what was committed after the restart', async () => {
    server = await spawnServer(env, port);
    const post = httpWebchat(server.baseUrl);

    // Six citizens report incidents, one after the other, until the process dies under them.
    const announced: string[] = [];
    let alive = true;
    const citizens = Array.from({ length: 6 }, async (_, i) => {
      for (let round = 0; alive; round++) {
        try {
          const open = await reportUpToConfirmation(post, { lat: 46.5 + i * 0.05, lon: 5.5 + round * 0.05 });
          const done = await post({
            conversationId: open.conversationId,
            token: open.token,
            ...choice(open.last, /Oui, enregistrer/)!,
          });
          const reference = REFERENCE.exec(done.text)?.[0];
          if (reference) announced.push(reference);
        } catch {
          return; // the server is gone
        }
      }
    });
    const delay = 1500 + Math.floor(Math.random() * 2500);
    await sleep(delay);
    const killedAt = new Date();
    server.child.kill('SIGKILL');
    expect((await server.exited).signal).toBe('SIGKILL');
    alive = false;
    await Promise.all(citizens);

    // Fully done or not at all.
    expect(await storeProblems(sql)).toEqual([]);
    const committed = await sql.query<{ reference: string }>('SELECT reference FROM requests');
    const references = new Set(committed.rows.map((r) => r.reference));
    // Every reference given to a citizen was committed first.
    for (const reference of announced) expect(references.has(reference)).toBe(true);

    // Restart on the same database: the relay delivers every side effect committed before the kill
    // (a row it had leased when killed comes back once the lease ends).
    server = await spawnServer(env, port);
    const deadline = Date.now() + 100_000;
    let pending = -1;
    while (Date.now() < deadline) {
      const rows = await sql.query<{ n: string }>(
        `SELECT count(*) AS n FROM outbox WHERE status <> 'delivered' AND created_at <= $1`,
        [killedAt],
      );
      pending = Number(rows.rows[0]?.n);
      if (pending === 0) break;
      await sleep(500);
    }
    expect(pending).toBe(0);

    // Conversations go on: a new citizen, and the status of a committed request.
    const again = await httpWebchat(server.baseUrl)({ text: 'bonjour' });
    expect(again.status).toBe(200);
    const first = [...references][0];
    if (first) {
      const status = await httpWebchat(server.baseUrl)({ text: `où en est ma demande ${first}` });
      expect(status.text).toContain(first);
    }
    console.log(
      `[figures] killed after ${delay} ms: ${references.size} requests committed, ${announced.length} announced, store consistent`,
    );

    server.child.kill('SIGTERM');
    expect((await server.exited).code).toBe(0);
  }, 300_000);
});
