// The queue of photos whose bytes must be deleted (migration 0030): filled in the transaction that rewrites the
// rows naming them, emptied as the media store confirms each deletion. Shared by the retention job and the
// contact erasure (backoffice/contacts.ts queues in its own transaction).
import type { MediaStore } from '../../bot/ports';
import type { SqlClient, SqlExecutor } from './sql-client';

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
