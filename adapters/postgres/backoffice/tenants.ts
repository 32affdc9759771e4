// TenantDirectory over SQL: the territories upserted at start-up, seen within the caller's scope.
import type { Scope, TenantDirectory } from '../../../backoffice/ports';
import type { SqlClient } from '../sql-client';
import { guarded, params } from './sql';

export class PostgresTenantDirectory implements TenantDirectory {
  constructor(private readonly sql: SqlClient) {}

  listTenants(scope: Scope): Promise<{ id: string; name: string }[]> {
    return guarded('listTenants', async () => {
      const { values, p } = params();
      const where = scope.tenantId !== null ? `WHERE id = ${p(scope.tenantId)}` : '';
      const result = await this.sql.query<{ id: string; name: string }>(
        `SELECT id, name FROM tenants ${where} ORDER BY id`,
        values,
      );
      return result.rows;
    });
  }

  tenantExists(tenantId: string): Promise<boolean> {
    return guarded('tenantExists', async () => {
      const result = await this.sql.query('SELECT 1 FROM tenants WHERE id = $1', [tenantId]);
      return result.rows.length > 0;
    });
  }
}
