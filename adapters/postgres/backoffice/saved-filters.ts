// SavedFilterStore over SQL (migration 0012): named filter sets of the requests list, private to their owner
// or shared with the tenant.
import type { NewSavedFilter, SavedFilterStore } from '../../../backoffice/ports';
import type { SavedFilterView } from '../../../backoffice/schemas';
import type { SqlClient } from '../sql-client';
import { guarded, UUID } from './sql';

interface SavedFilterRow {
  id: string;
  owner: string;
  name: string;
  filter: SavedFilterView['filter'];
  shared: boolean;
  created_at: Date;
}

const COLUMNS = 'id, owner, name, filter, shared, created_at';

const toView = (row: SavedFilterRow, owner: string): SavedFilterView => ({
  id: row.id,
  name: row.name,
  filter: row.filter,
  shared: row.shared,
  mine: row.owner === owner,
  createdAt: new Date(row.created_at).toISOString(),
});

export class PostgresSavedFilterStore implements SavedFilterStore {
  constructor(private readonly sql: SqlClient) {}

  listSavedFilters(tenantId: string, owner: string): Promise<SavedFilterView[]> {
    return guarded('listSavedFilters', async () => {
      const result = await this.sql.query<SavedFilterRow>(
        `SELECT ${COLUMNS} FROM saved_filters WHERE tenant_id = $1 AND (owner = $2 OR shared)
         ORDER BY lower(name), created_at`,
        [tenantId, owner],
      );
      return result.rows.map((row) => toView(row, owner));
    });
  }

  createSavedFilter(filter: NewSavedFilter): Promise<SavedFilterView> {
    return guarded('createSavedFilter', async () => {
      const result = await this.sql.query<SavedFilterRow>(
        `INSERT INTO saved_filters (tenant_id, owner, name, filter, shared) VALUES ($1, $2, $3, $4::jsonb, $5)
         RETURNING ${COLUMNS}`,
        [filter.tenantId, filter.owner, filter.name, JSON.stringify(filter.filter), filter.shared],
      );
      return toView(result.rows[0] as SavedFilterRow, filter.owner);
    });
  }

  deleteSavedFilter(tenantId: string, owner: string, id: string): Promise<boolean> {
    if (!UUID.test(id)) return Promise.resolve(false);
    return guarded('deleteSavedFilter', async () => {
      const result = await this.sql.query(
        'DELETE FROM saved_filters WHERE id = $1 AND tenant_id = $2 AND owner = $3',
        [id, tenantId, owner],
      );
      return result.rowCount > 0;
    });
  }
}
