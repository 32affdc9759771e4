// SqlClient over a PostgreSQL server through a pg Pool (DATABASE_URL).
import { createHash } from 'node:crypto';
import { Pool, type PoolClient } from 'pg';
import type { QueryOptions, QueryResult, SqlClient, SqlExecutor } from './sql-client';

export interface PgClientOptions {
  databaseUrl: string;
  schema: string;
  poolSize: number;
  /** Bound on getting a connection, so an unreachable server fails fast. */
  connectTimeoutMs?: number;
  /** Shown in pg_stat_activity (default 'guichet'; the asynchronous-commit sessions add '-async-commit'). */
  applicationName?: string;
  /** Honour `asyncCommit` on queries (a second pool whose sessions use synchronous_commit=off). */
  asyncCommit?: boolean;
}

export function createPgClient(options: PgClientOptions): SqlClient {
  const newPool = (settings: string, applicationName: string): Pool => {
    const created = new Pool({
      connectionString: options.databaseUrl,
      max: options.poolSize,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 3000,
      idleTimeoutMillis: 30_000,
      // Set at connection start, so every pooled connection uses them (no per-query SET).
      options: `-c search_path=${options.schema}${settings}`,
      application_name: applicationName,
    });
    // An idle connection dropped by the server must not crash the process; the next query reconnects.
    created.on('error', () => undefined);
    return created;
  };
  const applicationName = options.applicationName ?? 'guichet';
  const pool = newPool('', applicationName);
  // Writes that may be lost in a crash go through sessions that do not wait for the WAL flush: the
  // flush (an fdatasync) is most of the cost of a small commit. Created on first use.
  let asyncPool: Pool | undefined;

  const executorOf = (target: Pool | PoolClient): SqlExecutor => ({
    async query<R extends object>(
      sql: string,
      params: readonly unknown[] = [],
      options?: QueryOptions,
    ): Promise<QueryResult<R>> {
      const result = options?.prepared
        ? await target.query<R>({ name: statementName(sql), text: sql, values: [...params] })
        : await target.query<R>(sql, [...params]);
      return { rows: result.rows, rowCount: result.rowCount ?? result.rows.length };
    },
    async exec(sql: string): Promise<void> {
      await target.query(sql);
    },
  });
  const direct = executorOf(pool);
  let asyncDirect: SqlExecutor | undefined;

  return {
    driver: 'pg',
    query<R extends object>(sql: string, params?: readonly unknown[], queryOptions?: QueryOptions) {
      if (!queryOptions?.asyncCommit || !options.asyncCommit)
        return direct.query<R>(sql, params, queryOptions);
      asyncDirect ??= executorOf(
        // Their statements are the turn's transcript commits, found by key: one generic plan per session. Left
        // to choose, PostgreSQL planned the batched one again for half of its calls (0.64 ms each, BENCHMARKS.md).
        (asyncPool = newPool(
          ' -c synchronous_commit=off -c plan_cache_mode=force_generic_plan',
          `${applicationName}-async-commit`,
        )),
      );
      return asyncDirect.query<R>(sql, params, queryOptions);
    },
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
    connections() {
      const of = (name: string, p: Pool) => ({
        pool: name,
        total: p.totalCount,
        idle: p.idleCount,
        waiting: p.waitingCount,
      });
      return [of('main', pool), ...(asyncPool ? [of('async-commit', asyncPool)] : [])];
    },
    async close(): Promise<void> {
      await Promise.all([pool.end(), asyncPool?.end()]);
    },
  };
}

/** Names of prepared statements, one per distinct text (pg prepares a name once per connection). */
const statementNames = new Map<string, string>();
function statementName(sql: string): string {
  let name = statementNames.get(sql);
  if (!name) {
    name = `guichet_${createHash('sha1').update(sql).digest('hex').slice(0, 24)}`;
    statementNames.set(sql, name);
  }
  return name;
}
