// Every request written updates seven counters of its day in request_daily_counts (the total, its type,
// category, channel, commune, authority and status). The days' totals index (0028) carried n and resolved as
// included columns, which made every one of those updates a non-HOT one: a new row version with new index
// entries each time, the table and its indexes growing by seven row versions per request until a vacuum
// (pgbench, 16,000 requests of one day: 3.9 MB of table and 113,000 dead versions, against 0.9 MB and 2,600 with
// this index; BENCHMARKS.md). The index keeps the total rows' keys only (the trend reads n and resolved from the
// rows: a few hundred for a year), and the pages keep room for the updated versions.
export const migration0034 = {
  version: 34,
  name: 'daily-counts-hot',
  sql: `
DROP INDEX request_daily_totals_idx;
CREATE INDEX request_daily_totals_idx ON request_daily_counts (tenant_id, day) INCLUDE (authority_id)
  WHERE dim = 'total';
ALTER TABLE request_daily_counts SET (fillfactor = 80);
`,
};
