// Probes the Redis and PostgreSQL servers once before the workers start, so suites can decide
// synchronously (in describe) whether to run. Workers inherit these variables.
const net = require('node:net');

function probe(urlString, defaultPort) {
  return new Promise((resolve) => {
    let url;
    try {
      url = new URL(urlString);
    } catch {
      resolve(false);
      return;
    }
    const socket = net.connect({ host: url.hostname || '127.0.0.1', port: Number(url.port || defaultPort) });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

module.exports = async function globalSetup() {
  process.env.TEST_REDIS_URL ||= process.env.REDIS_URL || 'redis://127.0.0.1:6379';
  process.env.TEST_DATABASE_URL ||= process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
  process.env.GUICHET_REDIS_AVAILABLE = (await probe(process.env.TEST_REDIS_URL, 6379)) ? '1' : '0';
  process.env.GUICHET_POSTGRES_AVAILABLE = (await probe(process.env.TEST_DATABASE_URL, 5432)) ? '1' : '0';
};

// PGlite's initdb costs ~5 s of CPU per in-memory database; every test container would pay it. One
// initialised cluster is dumped once (cached in the temp dir per PGlite version) and each test database
// starts from it (GUICHET_PGLITE_TEMPLATE, read by adapters/postgres).
const { existsSync, readFileSync, renameSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const path = require('node:path');

/** Dumps and closes `db` into `file`, whole or not at all (another jest run may be reading the same file). */
async function saveDump(db, file) {
  const dump = await db.dumpDataDir('none');
  await db.close();
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, Buffer.from(await dump.arrayBuffer()));
  renameSync(tmp, file);
  return file;
}

async function pgliteTemplate() {
  const { PGlite } = require('@electric-sql/pglite');
  const version = require(
    path.join(path.dirname(require.resolve('@electric-sql/pglite')), '..', 'package.json'),
  ).version;
  const file = path.join(tmpdir(), `guichet-pglite-template-${version}.tar`);
  if (existsSync(file)) return file;
  const db = new PGlite();
  await db.waitReady;
  return saveDump(db, file);
}

// The migrations cost each in-memory store ~0.8 s more in a jest worker (31 of them, in WASM): the initialised
// cluster is also migrated once (schema public, as a store without a `schema` option uses) and dumped, keyed by
// the migrations' text, so a changed migration makes a new one. A store in another schema still migrates its own.
async function migratedTemplate(bare) {
  const { runMigrations, MIGRATIONS, pgliteExecutor } = require('../../dist/adapters/postgres/index.js');
  const { PGlite } = require('@electric-sql/pglite');
  const key = migrationsKey(MIGRATIONS);
  const file = bare.replace(/\.tar$/, `-migrated-${key}.tar`);
  if (existsSync(file)) return file;
  const db = new PGlite({ loadDataDir: new Blob([readFileSync(bare)]) });
  await db.waitReady;
  // The SqlClient methods runMigrations uses, over this PGlite (the store's own executor).
  await runMigrations(
    { ...pgliteExecutor(db), transaction: (fn) => db.transaction((tx) => fn(pgliteExecutor(tx))) },
    'public',
  );
  return saveDump(db, file);
}

// The suites that spawn the server run dist/server/main.js as `npm start` does: built once here, before the
// workers start, so they test the production artefact of the current sources.
const { build } = require('../../scripts/build.js');
const { migrationsKey, prepareTemplateDatabase } = require('./test-database.js');

const probeServices = module.exports;
module.exports = async function globalSetup() {
  build();
  await probeServices();
  if (!process.env.GUICHET_PGLITE_TEMPLATE)
    process.env.GUICHET_PGLITE_TEMPLATE = await migratedTemplate(await pgliteTemplate());
  // In-process containers on the PostgreSQL server when it answers (tests/support/test-database.js).
  if (
    process.env.GUICHET_POSTGRES_AVAILABLE === '1' &&
    process.env.GUICHET_TEST_STORE !== 'pglite' &&
    !process.env.GUICHET_TEST_TEMPLATE_DB
  ) {
    const { createSharedStore, MIGRATIONS } = require('../../dist/adapters/postgres/index.js');
    process.env.GUICHET_TEST_TEMPLATE_DB = await prepareTemplateDatabase(MIGRATIONS, async (databaseUrl) => {
      const store = createSharedStore({ databaseUrl, poolSize: 1 });
      try {
        await store.migrate();
      } finally {
        await store.close();
      }
    });
  }
};
