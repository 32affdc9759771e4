// SqlClient over PGlite (PostgreSQL in WASM, in-process): the embedded default. A data directory
// keeps the database across restarts; 'memory://' keeps it in memory (tests).
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import type { PGlite, Transaction } from '@electric-sql/pglite';
import { lockDataDir } from './data-dir-lock';
import { quoteIdent, type QueryResult, type SqlClient, type SqlExecutor } from './sql-client';

// PGlite is one in-process session: `prepared` (a server-side plan cache) does not apply and is ignored.

export const MEMORY_DATA_DIR = 'memory://';

export interface PgliteClientOptions {
  dataDir: string;
  schema: string;
  /**
   * For an in-memory database: a tarball of an already initialised cluster (PGlite `dumpDataDir`). Starting
   * from it skips initdb (~5 s of CPU → < 1 s), which is what makes many short-lived test databases affordable.
   */
  templateFile?: string;
}

/** Statements on an open PGlite or one of its transactions (tests/support/global-setup.js migrates its template so). */
export const pgliteExecutor = (target: PGlite | Transaction): SqlExecutor => ({
  async query<R extends object>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<R>> {
    const result = await target.query<R>(sql, [...params]);
    return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length };
  },
  async exec(sql: string): Promise<void> {
    await target.exec(sql);
  },
});

export function createPgliteClient(options: PgliteClientOptions): SqlClient {
  const inMemory = options.dataDir === MEMORY_DATA_DIR;
  if (!inMemory) mkdirSync(options.dataDir, { recursive: true });
  // One process per data directory (PGlite is single-process): a second one is refused here, before opening.
  const releaseLock = inMemory ? undefined : lockDataDir(options.dataDir);
  const template =
    inMemory && options.templateFile && existsSync(options.templateFile) ? options.templateFile : undefined;
  // PGlite (~30 MB with its WASM) is loaded only when used: a deployment on a PostgreSQL server never needs it.
  let db: PGlite | undefined;
  const ready = import('@electric-sql/pglite').then(async ({ PGlite }) => {
    db = template
      ? new PGlite({ loadDataDir: new Blob([readFileSync(template)]) })
      : new PGlite(inMemory ? undefined : options.dataDir);
    await db.waitReady;
    // One session only, so a session-level search_path applies to every later statement.
    await db.exec(`SET search_path TO ${quoteIdent(options.schema)}`);
    return db;
  });
  ready.catch(() => undefined); // surfaced by the first query instead of as an unhandled rejection

  return {
    driver: 'pglite',
    async query<R extends object>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
      return pgliteExecutor(await ready).query<R>(sql, params);
    },
    async exec(sql: string): Promise<void> {
      return pgliteExecutor(await ready).exec(sql);
    },
    async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
      return (await ready).transaction((tx) => fn(pgliteExecutor(tx)));
    },
    async close(): Promise<void> {
      await ready.catch(() => undefined);
      if (db && !db.closed) await db.close();
      releaseLock?.();
    },
  };
}
