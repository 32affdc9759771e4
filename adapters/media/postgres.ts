// The default media store: the bytes in PostgreSQL (migration 0017), so a single server or several instances
// share them without a file system or another service. Fine for a commune's photos (a few MB each, a few a
// day); a large territory moves them to S3 (adapters/media/s3.ts) with MEDIA_STORE=s3.
import type { MediaObject, MediaStore, StoredMedia } from '../../bot/ports';
import type { SqlClient } from '../postgres/sql-client';

export class PostgresMediaStore implements MediaStore {
  constructor(private readonly sql: SqlClient) {}

  async put(key: string, media: MediaObject): Promise<void> {
    await this.sql.query(
      `INSERT INTO media_objects (key, content_type, size, bytes) VALUES ($1, $2, $3, $4::bytea)
       ON CONFLICT (key) DO UPDATE SET content_type = EXCLUDED.content_type, size = EXCLUDED.size,
         bytes = EXCLUDED.bytes, created_at = now()`,
      [key, media.contentType, media.bytes.length, media.bytes],
    );
  }

  async get(key: string): Promise<StoredMedia | null> {
    const { rows } = await this.sql.query<{ content_type: string; size: number; bytes: Uint8Array }>(
      'SELECT content_type, size, bytes FROM media_objects WHERE key = $1',
      [key],
    );
    const row = rows[0];
    if (!row) return null;
    return { contentType: row.content_type, size: row.size, bytes: Buffer.from(row.bytes) };
  }

  async delete(key: string): Promise<void> {
    await this.sql.query('DELETE FROM media_objects WHERE key = $1', [key]);
  }
}
