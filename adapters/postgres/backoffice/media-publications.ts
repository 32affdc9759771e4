// The published flag of citizens' photos (migration 0017), kept beside the request rather than with the
// bytes, so it holds whichever media store keeps them (PostgreSQL or S3).
import type { MediaPublications } from '../../../backoffice/ports';
import type { SqlClient } from '../sql-client';
import { guarded } from './sql';

export class PostgresMediaPublications implements MediaPublications {
  constructor(private readonly sql: SqlClient) {}

  publishedAmong(keys: readonly string[]): Promise<Set<string>> {
    if (keys.length === 0) return Promise.resolve(new Set());
    return guarded('publishedAmong', async () => {
      const { rows } = await this.sql.query<{ media_key: string }>(
        'SELECT media_key FROM media_publications WHERE media_key = ANY($1::text[])',
        [keys],
      );
      return new Set(rows.map((r) => r.media_key));
    });
  }

  setPublished(
    photo: { tenantId: string; requestId: string; key: string },
    published: boolean,
    actor: string,
  ): Promise<void> {
    return guarded('setPublished', async () => {
      if (published)
        await this.sql.query(
          `INSERT INTO media_publications (tenant_id, media_key, request_id, published_by)
           VALUES ($1, $2, $3, $4) ON CONFLICT (media_key) DO NOTHING`,
          [photo.tenantId, photo.key, photo.requestId, actor],
        );
      else await this.sql.query('DELETE FROM media_publications WHERE media_key = $1', [photo.key]);
    });
  }
}
