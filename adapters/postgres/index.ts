// Shared store: one SQL implementation, two drivers. DATABASE_URL → PostgreSQL server (pg Pool);
// otherwise PGlite, embedded, with its data in `dataDir` ('memory://' keeps it in memory).
import { z } from 'zod';
import { CONNECT_TIMEOUT_MS, POOL_SIZE } from './pool-bounds';
import { createPgClient } from './pg-client';
import { createPgliteClient, MEMORY_DATA_DIR } from './pglite-client';
import { PostgresSharedStore } from './postgres-shared-store';
import { SCHEMA_NAME } from './sql-client';

export { PostgresSharedStore } from './postgres-shared-store';
export type { PostgresSharedStoreOptions } from './postgres-shared-store';
export type { SqlClient, SqlExecutor, QueryResult } from './sql-client';
export { deleteQueuedMedia, photosShownByNoRequest, queueMediaDeletions } from './media-deletions';
export { createPgClient } from './pg-client';
export { createPgliteClient, MEMORY_DATA_DIR, pgliteExecutor } from './pglite-client';
export { runMigrations } from './migrate';
export { sameTickBatch, sameTickGroup, type Waiting } from './same-tick-batch';
export { MIGRATIONS } from './migrations';
export { RETENTION_DUE_PREDICATE } from './migrations/0032-retention-due';
export type { Migration } from './migrations';

export const SharedStoreOptionsSchema = z.object({
  /** postgres://… : use a PostgreSQL server. */
  databaseUrl: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'a postgres:// URL')
    .optional(),
  /** PGlite data directory (when no databaseUrl); 'memory://' for a throwaway database. Default: memory://. */
  dataDir: z.string().min(1).optional(),
  /** Schema holding the tables (tests use a unique one per suite). */
  schema: z.string().regex(SCHEMA_NAME, 'lower-case letters, digits and _').default('public'),
  /** Connections of the pg Pool. */
  poolSize: z.number().int().min(POOL_SIZE.min).max(POOL_SIZE.max).default(POOL_SIZE.default),
  /** PostgreSQL server only: how long a query waits for a pooled or new connection before it fails. */
  connectTimeoutMs: z
    .number()
    .int()
    .min(CONNECT_TIMEOUT_MS.min)
    .max(CONNECT_TIMEOUT_MS.max)
    .default(CONNECT_TIMEOUT_MS.default),
  /** In-memory PGlite only: start from this initialised-cluster tarball (tests set GUICHET_PGLITE_TEMPLATE). */
  pgliteTemplate: z.string().min(1).optional(),
  /**
   * PostgreSQL server only: commit turns that record nothing but the transcript (no request, follow,
   * notification or hand-over) without waiting for the WAL flush. A server crash may lose the last
   * fraction of a second of such messages; requests and everything promised to a citizen stay durable.
   */
  asyncTranscriptCommit: z.boolean().default(false),
  /** PostgreSQL server only: the sessions' application_name (pg_stat_activity). */
  applicationName: z.string().min(1).max(40).optional(),
  /** Time zone of the year in references DEM-YYYY-NNNNNN. */
  timeZone: z.string().min(1).default('Europe/Paris'),
});
export type SharedStoreOptions = z.input<typeof SharedStoreOptionsSchema>;

/** The store is usable at once (the driver connects lazily); call `migrate()` before the first use. */
export function createSharedStore(options: SharedStoreOptions = {}): PostgresSharedStore {
  const opts = SharedStoreOptionsSchema.parse(options);
  const sql = opts.databaseUrl
    ? createPgClient({
        databaseUrl: opts.databaseUrl,
        schema: opts.schema,
        poolSize: opts.poolSize,
        connectTimeoutMs: opts.connectTimeoutMs,
        asyncCommit: opts.asyncTranscriptCommit,
        applicationName: opts.applicationName,
      })
    : createPgliteClient({
        dataDir: opts.dataDir ?? MEMORY_DATA_DIR,
        schema: opts.schema,
        templateFile: opts.pgliteTemplate ?? process.env.GUICHET_PGLITE_TEMPLATE,
      });
  return new PostgresSharedStore(sql, { schema: opts.schema, timeZone: opts.timeZone });
}
