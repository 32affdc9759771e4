// AuditLog over SQL: one row per back-office action, in the audit_log table.
import type { AuditEntry, AuditLog } from '../../../backoffice/ports';
import type { SqlClient } from '../sql-client';
import { auditInsert, guarded } from './sql';

export class PostgresAuditLog implements AuditLog {
  constructor(private readonly sql: SqlClient) {}

  audit(entry: AuditEntry): Promise<void> {
    return guarded('audit', () => auditInsert(this.sql, entry));
  }
}
