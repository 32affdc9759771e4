// The tiny SQL interface the shared store is written against, so one implementation runs on
// PGlite (embedded) and on a PostgreSQL server (pg Pool) with the same SQL.
export interface QueryResult<R> {
  rows: R[];
  rowCount: number;
}

export interface SqlExecutor {
  /** One statement, `$1`-style parameters, one round-trip. */
  query<R extends object = Record<string, unknown>>(
    sql: string,
    params?: readonly unknown[],
  ): Promise<QueryResult<R>>;
  /** A script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export interface SqlClient extends SqlExecutor {
  readonly driver: 'pglite' | 'pg';
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Schema names are interpolated into SQL (identifiers cannot be parameters): keep them plain. */
export const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;
