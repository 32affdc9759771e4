// The tiny SQL interface the shared store is written against, so one implementation runs on
// PGlite (embedded) and on a PostgreSQL server (pg Pool) with the same SQL.
export interface QueryResult<R> {
  rows: R[];
  rowCount: number;
}

export interface QueryOptions {
  /**
   * A statement run on every turn: the server keeps it parsed and planned per connection (a named prepared
   * statement) instead of planning it each time. Only for fixed-shape statements whose plan does not depend
   * on the values (a generic plan is used after a few runs).
   */
  prepared?: boolean;
  /**
   * The caller accepts that a database server crash loses this write if it happened in the last fraction of
   * a second (PostgreSQL's asynchronous commit: no wait for the WAL flush). Used only for writes nobody was
   * promised anything about; clients that cannot relax durability ignore it.
   */
  asyncCommit?: boolean;
}

export interface SqlExecutor {
  /** One statement, `$1`-style parameters, one round-trip. */
  query<R extends object = Record<string, unknown>>(
    sql: string,
    params?: readonly unknown[],
    options?: QueryOptions,
  ): Promise<QueryResult<R>>;
  /** A script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export interface SqlClient extends SqlExecutor {
  readonly driver: 'pglite' | 'pg';
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /** The connection pools of a database server (none for an embedded database): for the metrics. */
  connections?(): { pool: string; total: number; idle: number; waiting: number }[];
  close(): Promise<void>;
}

/** Schema names are interpolated into SQL (identifiers cannot be parameters): keep them plain. */
export const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;
