// In-process test containers on the real PostgreSQL server, one database each, copied from a migrated template
// database. An in-memory PGlite costs a jest worker 1.5–5 s of CPU to open (40 MB of cluster files unpacked into
// WASM, then PostgreSQL started), which was ~40 % of the CPU of the suites that build containers; a copy of a
// template database is a fraction of that. Used when the PostgreSQL server answers, unless
// GUICHET_TEST_STORE=pglite (the embedded store keeps its own suites: the shared-store contract, the built
// server's smoke tests). Plain JavaScript: global-setup.js (no TypeScript loader) creates the template.
const { createHash } = require('node:crypto');
const { Client } = require('pg');

const PREFIX = 'guichet_t_';

/** A short hash of the migrations' text: a template made from other migrations is never reused. */
const migrationsKey = (migrations) =>
  createHash('sha256')
    .update(migrations.map((m) => `${m.version}\n${m.sql}`).join('\n'))
    .digest('hex')
    .slice(0, 12);

const adminUrl = () => process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

function withDatabase(url, name) {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function withAdmin(fn) {
  const client = new Client({ connectionString: adminUrl() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Whether in-process test containers get a PostgreSQL database (global setup has made the template). */
function postgresForContainers() {
  return Boolean(process.env.GUICHET_TEST_TEMPLATE_DB);
}

/**
 * Global setup: the template database for the current migrations (its name carries their hash, so a changed
 * migration makes a new one), and the databases of test processes that no longer run dropped.
 */
async function prepareTemplateDatabase(migrations, migrate) {
  const key = migrationsKey(migrations);
  const template = `guichet_tpl_${key}`;
  await withAdmin(async (admin) => {
    const names = (
      await admin.query(
        `SELECT datname FROM pg_database WHERE datname LIKE 'guichet\\_t\\_%' OR datname LIKE 'guichet\\_tpl\\_%'`,
      )
    ).rows.map((r) => r.datname);
    for (const name of names) {
      const pid = Number(/^guichet_(?:t|tpl_[0-9a-f]+_building)_(\d+)_/.exec(name)?.[1]);
      if (Number.isInteger(pid) && !alive(pid))
        await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    }
    if (names.includes(template)) return;
    // Built under a temporary name, renamed when complete: a concurrent run never copies a half-migrated one.
    const building = `guichet_tpl_${key}_building_${process.pid}_x`;
    await admin.query(`CREATE DATABASE ${building}`);
    await migrate(withDatabase(adminUrl(), building));
    await admin.query(`ALTER DATABASE ${building} RENAME TO ${template}`).catch(async (error) => {
      // Another run finished the same template first.
      await admin.query(`DROP DATABASE IF EXISTS ${building} WITH (FORCE)`);
      if (!/already exists/.test(String(error))) throw error;
    });
  });
  return template;
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

let counter = 0;

/**
 * A new database copied from the template, or `empty` (what a new deployment's first command migrates); `drop`
 * removes it (the container's close calls it).
 */
async function createTestDatabase({ empty = false } = {}) {
  const template = process.env.GUICHET_TEST_TEMPLATE_DB;
  if (!template && !empty) throw new Error('no template database: see tests/support/global-setup.js');
  counter += 1;
  const name = `${PREFIX}${process.pid}_${counter}_${Math.random().toString(36).slice(2, 8)}`;
  await withAdmin((admin) => admin.query(`CREATE DATABASE ${name}${empty ? '' : ` TEMPLATE ${template}`}`));
  return {
    url: withDatabase(adminUrl(), name),
    drop: () => withAdmin((admin) => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)),
  };
}

module.exports = { createTestDatabase, migrationsKey, postgresForContainers, prepareTemplateDatabase };
