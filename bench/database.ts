// Databases of the bench on the PostgreSQL server DATABASE_URL names: the bench never writes into that database
// itself. The default bench runs on a database of its own, created for the run (with the same seeded history,
// seedHistory) and dropped after it: the requests earlier runs left behind changed what later runs measured (the
// duplicate check of every report found more and more open reports nearby, BENCHMARKS.md), and a database
// pointed at for the bench keeps nothing of it.
import { Client } from 'pg';
import { createSharedStore } from '../adapters/postgres';
import { generate } from './indicators-data';

/** The same server and credentials, another database. */
export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Runs `use` with a connection to DATABASE_URL's database (to create or drop others). */
export async function withAdmin<T>(url: string, use: (admin: Client) => Promise<T>): Promise<T> {
  const admin = new Client({ connectionString: url });
  await admin.connect();
  try {
    return await use(admin);
  } finally {
    await admin.end();
  }
}

/** An empty database for this run (guichet_bench_<pid>), and how to drop it (its connections closed first). */
export async function createRunDatabase(url: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `guichet_bench_${process.pid}`;
  await withAdmin(url, async (admin) => {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${name}`);
  });
  return {
    url: withDatabase(url, name),
    drop: () =>
      withAdmin(url, (admin) => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(
        () => undefined,
      ),
  };
}

/** Requests of the seeded history (with half as many past conversations, two messages each, and contacts). */
export const HISTORY_REQUESTS = 20_000;

/**
 * A year of another territory's history in the run's database, then the statistics of it, before the server
 * starts. On tables of a few dozen rows the planner rightly scans them whole: every turn read all the
 * conversations (each of its messages' foreign-key check too) and all the open requests, a cost no commune's
 * store of a year has and that grew with the run. The bench's own territory starts with no history, so the
 * duplicate check of every report still sees only the reports of the run.
 */
export async function seedHistory(url: string, requests = HISTORY_REQUESTS): Promise<void> {
  const store = createSharedStore({ databaseUrl: url, poolSize: 2 });
  try {
    await store.migrate();
    await generate(store.sql, requests);
    await store.sql.exec('VACUUM ANALYZE');
  } finally {
    await store.close();
  }
}
