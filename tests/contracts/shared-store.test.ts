// SharedStore contract against PGlite (embedded) and a PostgreSQL server, plus what only one of
// them can show: PGlite data surviving a restart, two servers' instances migrating at once.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { createSharedStore, MIGRATIONS, type PostgresSharedStore } from '../../adapters/postgres';
import { databaseUrl, describeWith, uniqueSuffix } from '../support/services';
import { sharedStoreContract } from './shared-store.contract';

const rowsOf =
  (store: PostgresSharedStore) =>
  async (sql: string, params: unknown[] = []) =>
    (await store.sql.query<Record<string, unknown>>(sql, params)).rows;

describe('SharedStore on PGlite (memory://)', () => {
  let store: PostgresSharedStore;
  sharedStoreContract(
    async () => {
      store = createSharedStore({ dataDir: 'memory://', schema: 'guichet_contract' });
      return { store, query: rowsOf(store) };
    },
    () => store.close(),
  );
});

describe('SharedStore on PGlite with a data directory', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'guichet-pglite-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps conversations and messages across a close and reopen', async () => {
    const first = createSharedStore({ dataDir: dir });
    await first.migrate();
    await first.upsertTenants([{ id: 'pezenas', name: 'Pézenas' }]);
    const conv = await first.openConversation({
      tenantId: 'pezenas',
      channel: 'sms',
      address: '+33612345678',
    });
    await first.commitTurn({
      tenantId: 'pezenas',
      conversationId: conv.id,
      messages: [
        { direction: 'in', text: 'Bonjour', providerMessageId: 'SM1' },
        { direction: 'out', text: 'Bonjour ! Que puis-je faire pour vous ?' },
      ],
      requests: [],
      outbox: [],
    });
    await first.close();

    const reopened = createSharedStore({ dataDir: dir });
    try {
      await reopened.migrate(); // nothing to do, nothing lost
      expect(await reopened.getConversation('pezenas', conv.id)).toMatchObject({
        id: conv.id,
        contactId: conv.contactId,
        address: '+33612345678',
        createdAt: conv.createdAt,
      });
      const messages = await reopened.listMessages('pezenas', conv.id);
      expect(messages.map((m) => m.text)).toEqual(['Bonjour', 'Bonjour ! Que puis-je faire pour vous ?']);
      const again = await reopened.openConversation({
        tenantId: 'pezenas',
        channel: 'sms',
        address: '+33612345678',
      });
      expect(again.id).toBe(conv.id);
    } finally {
      await reopened.close();
    }
  }, 60_000);
});

describeWith('postgres', 'SharedStore on PostgreSQL', () => {
  const schema = `test_${uniqueSuffix()}`;
  let store: PostgresSharedStore;

  afterAll(async () => {
    const admin = new Client({ connectionString: databaseUrl() });
    await admin.connect();
    try {
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    } finally {
      await admin.end();
    }
  });

  sharedStoreContract(
    async () => {
      // As the server runs it: transcript-only turns committed without waiting for the WAL flush.
      store = createSharedStore({
        databaseUrl: databaseUrl(),
        schema,
        poolSize: 4,
        asyncTranscriptCommit: true,
      });
      return { store, query: rowsOf(store) };
    },
    () => store.close(),
  );

  it('migrates safely when several instances start at once', async () => {
    const racing = `${schema}_race`;
    const instances = [1, 2, 3].map(() =>
      createSharedStore({ databaseUrl: databaseUrl(), schema: racing, poolSize: 1 }),
    );
    try {
      await Promise.all(instances.map((s) => s.migrate()));
      const rows = await rowsOf(instances[0] as PostgresSharedStore)(
        'SELECT version FROM schema_migrations ORDER BY version',
      );
      // Each migration ran exactly once.
      expect(rows).toEqual(MIGRATIONS.map((m) => ({ version: m.version })));
      await (instances[0] as PostgresSharedStore).upsertTenants([{ id: 'race', name: 'Race' }]);
    } finally {
      await Promise.all(instances.map((s) => s.close()));
      const admin = new Client({ connectionString: databaseUrl() });
      await admin.connect();
      await admin.query(`DROP SCHEMA IF EXISTS "${racing}" CASCADE`).finally(() => admin.end());
    }
  });

  it('commits a transcript-only turn asynchronously and a turn with a request durably', async () => {
    // Sessions of this store's asynchronous-commit pool (its own application name) opened since `since`.
    const name = `guichet-${uniqueSuffix()}`.slice(0, 40);
    const asyncSessionsSince = async (since: string) =>
      Number(
        (
          await rowsOf(store)(
            `SELECT count(*) AS n FROM pg_stat_activity
             WHERE application_name = $1 AND backend_start >= $2::timestamptz`,
            [`${name}-async-commit`, since],
          )
        )[0]?.n,
      );
    const own = createSharedStore({
      databaseUrl: databaseUrl(),
      schema,
      poolSize: 1,
      asyncTranscriptCommit: true,
      applicationName: name,
    });
    try {
      await own.upsertTenants([{ id: 'async', name: 'Async' }]);
      const conv = await own.openConversation({ tenantId: 'async', channel: 'sms', address: '+33600000001' });
      const since = String((await rowsOf(store)('SELECT now()::text AS t'))[0]?.t);
      // A request (a reference promised to the citizen) never goes through the asynchronous sessions.
      await own.commitTurn({
        tenantId: 'async',
        conversationId: conv.id,
        messages: [{ direction: 'in', text: 'un trou' }],
        requests: [
          {
            reference: await own.reserveReference(new Date()),
            tenantId: 'async',
            type: 'report_incident',
            authorityId: 'mairie-async',
            channel: 'sms',
            contactId: conv.contactId,
            conversationId: conv.id,
            payload: { description: 'un trou' },
          },
        ],
        outbox: [],
      });
      expect(await asyncSessionsSince(since)).toBe(0);
      // A question and its answer do, and are read back at once from another session.
      await own.commitTurn({
        tenantId: 'async',
        conversationId: conv.id,
        messages: [
          { direction: 'in', text: 'horaires ?' },
          { direction: 'out', text: '9 h – 12 h' },
        ],
        requests: [],
        outbox: [],
      });
      expect(await asyncSessionsSince(since)).toBe(1);
      expect((await store.listMessages('async', conv.id)).map((m) => m.text)).toEqual([
        'un trou',
        'horaires ?',
        '9 h – 12 h',
      ]);
    } finally {
      await own.close();
    }
  });

  it('fails fast with DEPENDENCY_UNAVAILABLE when the server is unreachable', async () => {
    const down = createSharedStore({ databaseUrl: 'postgres://postgres@127.0.0.1:5499/test', schema });
    try {
      await expect(down.ping()).rejects.toMatchObject({ code: 'DEPENDENCY_UNAVAILABLE' });
    } finally {
      await down.close();
    }
  });
});
