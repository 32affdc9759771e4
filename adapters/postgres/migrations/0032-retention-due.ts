// The retention job's requests to anonymise, read from an index of only those (BENCHMARKS.md, "Platform"): on a
// platform, each tenant's pass read every closed request of the tenant and opened its payload to test the mark
// (2,000 tenants × ~40 ms per hourly run); the rows still due are a day's worth. A request leaves the index when
// the job marks it. server/retention/retention.ts queries with this same predicate (the planner matches a partial
// index's predicate literally); 'anonymised' is its mark (ANONYMISED_MARK, checked by its test).
export const RETENTION_DUE_PREDICATE = `status IN ('resolved', 'rejected') AND NOT (payload ? 'anonymised')`;

export const migration0032 = {
  version: 32,
  name: 'retention-due',
  sql: `
CREATE INDEX requests_retention_due_idx ON requests (tenant_id, updated_at) WHERE ${RETENTION_DUE_PREDICATE};
`,
};
