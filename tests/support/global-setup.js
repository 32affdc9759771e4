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
const { existsSync, renameSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const path = require('node:path');

async function pgliteTemplate() {
  const { PGlite } = require('@electric-sql/pglite');
  const version = require(
    path.join(path.dirname(require.resolve('@electric-sql/pglite')), '..', 'package.json'),
  ).version;
  const file = path.join(tmpdir(), `guichet-pglite-template-${version}.tar`);
  if (existsSync(file)) return file;
  const db = new PGlite();
  await db.waitReady;
  const dump = await db.dumpDataDir('none');
  await db.close();
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, Buffer.from(await dump.arrayBuffer()));
  renameSync(tmp, file);
  return file;
}

// The suites that spawn the server run dist/server/main.js as `npm start` does: built once here, before the
// workers start, so they test the production artefact of the current sources.
const { build } = require('../../scripts/build.js');

const probeServices = module.exports;
module.exports = async function globalSetup() {
  build();
  await probeServices();
  if (!process.env.GUICHET_PGLITE_TEMPLATE) process.env.GUICHET_PGLITE_TEMPLATE = await pgliteTemplate();
};
