// Photos of done interventions (migration 0016): stored and read within the caller's scope — the request's
// tenant and authority, the intervention's team — like the intervention itself.
import type { SqlClient } from '../sql-client';
import type { InterventionPhoto, InterventionPhotoStore, Scope } from '../../../backoffice/ports';
import { interventionWhere } from './interventions';
import { guarded, params, UUID, whereSql } from './sql';

export class PostgresInterventionPhotoStore implements InterventionPhotoStore {
  constructor(private readonly sql: SqlClient) {}

  putPhoto(
    scope: Scope,
    interventionId: string,
    photo: { clientId: string; contentType: string; bytes: Buffer; actor: string },
  ): Promise<{ id: string } | null> {
    if (!UUID.test(interventionId)) return Promise.resolve(null);
    return guarded('putPhoto', async () => {
      const { values, p } = params();
      const where = [`i.id = ${p(interventionId)}`, ...interventionWhere(scope, p)];
      // Insert once per client id; a replay finds the row it wrote the first time.
      const saved = await this.sql.query<{ id: string }>(
        `WITH target AS (
           SELECT i.id, i.tenant_id FROM interventions i JOIN requests r ON r.id = i.request_id ${whereSql(where)}
         ), inserted AS (
           INSERT INTO intervention_photos (tenant_id, intervention_id, client_id, content_type, bytes, created_by)
           SELECT tenant_id, id, ${p(photo.clientId)}, ${p(photo.contentType)}, ${p(photo.bytes)}::bytea, ${p(photo.actor)}
             FROM target
           ON CONFLICT (intervention_id, client_id) DO NOTHING
           RETURNING id
         )
         SELECT id FROM inserted
         UNION ALL
         SELECT ph.id FROM intervention_photos ph JOIN target t ON ph.intervention_id = t.id
          WHERE ph.client_id = ${p(photo.clientId)}`,
        values,
      );
      const id = saved.rows[0]?.id;
      return id ? { id } : null;
    });
  }

  getPhoto(scope: Scope, interventionId: string, photoId: string): Promise<InterventionPhoto | null> {
    if (!UUID.test(interventionId) || !UUID.test(photoId)) return Promise.resolve(null);
    return guarded('getPhoto', async () => {
      const { values, p } = params();
      const where = [`i.id = ${p(interventionId)}`, `ph.id = ${p(photoId)}`, ...interventionWhere(scope, p)];
      const found = await this.sql.query<{ content_type: string; bytes: Buffer | Uint8Array }>(
        `SELECT ph.content_type, ph.bytes FROM intervention_photos ph
           JOIN interventions i ON i.id = ph.intervention_id
           JOIN requests r ON r.id = i.request_id ${whereSql(where)}`,
        values,
      );
      const row = found.rows[0];
      return row ? { contentType: row.content_type, bytes: Buffer.from(row.bytes) } : null;
    });
  }
}
