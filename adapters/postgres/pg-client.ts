// SqlClient over a PostgreSQL server through a pg Pool (DATABASE_URL).
import { Pool, type PoolClient } from 'pg';
import type { QueryResult, SqlClient, SqlExecutor } from './sql-client';

export interface PgClientOptions {
  databaseUrl: string;
  schema: string;
  poolSize: number;
  /** Bound on getting a connection, so an unreachable server fails fast. */
  connectTimeoutMs?: number;
}

export function createPgClient(options: PgClientOptions): SqlClient {
  const pool = new Pool({
    connectionString: options.databaseUrl,
    max: options.poolSize,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 3000,
    idleTimeoutMillis: 30_000,
    // Set at connection start, so every pooled connection uses the schema (no per-query SET).
    options: `-c search_path=${options.schema}`,
    application_name: 'guichet',
  });
  // An idle connection dropped by the server must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);

  const executorOf = (target: Pool | PoolClient): SqlExecutor => ({
    async query<R extends object>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<R>> {
      const result = await target.query<R>(sql, [...params]);
      return { rows: result.rows, rowCount: result.rowCount ?? result.rows.length };
    },
    async exec(sql: string): Promise<void> {
      await target.query(sql);
    },
  });
  const direct = executorOf(pool);

  return {
    driver: 'pg',
    query: direct.query,
    exec: direct.exec,
    async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        const result = await fn(executorOf(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch((rollbackError: Error) => {
          broken = rollbackError; // the connection is unusable: destroy it rather than pool it
        });
        throw error;
      } finally {
        client.release(broken);
      }
    },
    async close(): Promise<void> {
      await pool.end();
    },
  };
}
