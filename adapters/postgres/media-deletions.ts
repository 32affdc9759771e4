// The queue of photos whose bytes must be deleted (migration 0030): filled in the transaction that rewrites the
// rows naming them, emptied as the media store confirms each deletion. Shared by the retention job and the
// contact erasure (backoffice/contacts.ts queues in its own transaction).
import type { MediaStore } from '../../bot/ports';
import type { SqlClient, SqlExecutor } from './sql-client';

/**
 * The photos among `keys` (named in messages) that no request of the tenant shows: a report's photo belongs to
 * the report and goes with its anonymisation, even when a message of someone else names it (a published photo's
 * key is public, and messages recorded before the web chat signed its uploads may name any of its territory).
 */
export async function photosShownByNoRequest(
  tx: SqlExecutor,
  tenantId: string,
  keys: string[],
): Promise<string[]> {
  if (keys.length === 0) return [];
  // One pass over the tenant's requests that show any photo, whatever the number of keys (a search per key read
  // every request of a large commune once per photo of the retention run).
  const unused = await tx.query<{ key: string }>(
    `WITH shown AS (
       SELECT DISTINCT m[1] AS key
       FROM requests r, regexp_matches(r.payload::text, '"media:([^"\\\\]+)"', 'g') AS m
       WHERE r.tenant_id = $1 AND strpos(r.payload::text, '"media:') > 0)
     SELECT k AS key FROM unnest($2::text[]) AS k WHERE NOT EXISTS (SELECT 1 FROM shown WHERE shown.key = k)`,
    [tenantId, keys],
  );
  return unused.rows.map((r) => r.key);
}

/** Queues keys for deletion, inside the caller's transaction (a key queued twice stays one row). */
export async function queueMediaDeletions(tx: SqlExecutor, tenantId: string, keys: string[]): Promise<void> {
  if (keys.length === 0) return;
  await tx.query(
    `INSERT INTO media_deletions (media_key, tenant_id) SELECT unnest($1::text[]), $2
     ON CONFLICT (media_key) DO NOTHING`,
    [keys, tenantId],
  );
}

/** Deletes up to `limit` queued photos of a tenant, oldest first; a failure stays queued for the next run. */
export async function deleteQueuedMedia(
  sql: SqlClient,
  media: Pick<MediaStore, 'delete'>,
  tenantId: string,
  limit = 1000,
): Promise<{ deleted: number; failed: number }> {
  const queued = await sql.query<{ media_key: string }>(
    'SELECT media_key FROM media_deletions WHERE tenant_id = $1 ORDER BY queued_at LIMIT $2',
    [tenantId, limit],
  );
  let deleted = 0;
  let failed = 0;
  for (const { media_key: key } of queued.rows) {
    try {
      await media.delete(key);
      await sql.query('DELETE FROM media_deletions WHERE media_key = $1', [key]);
      deleted += 1;
    } catch (error) {
      failed += 1;
      await sql.query(
        'UPDATE media_deletions SET attempts = attempts + 1, last_error = $2 WHERE media_key = $1',
        [key, String(error).slice(0, 500)],
      );
    }
  }
  return { deleted, failed };
}
