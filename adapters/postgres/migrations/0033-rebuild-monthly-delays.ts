// The indicators' rebuild at platform scale (issue 21, BENCHMARKS.md "Platform"): the monthly delay histograms
// were summed from the daily ones bin by bin (every daily row × 64 bins, 250 million rows to group for 5 million
// requests of 2,000 tenants, most of the rebuild's time). They are now counted from the requests themselves, as
// the daily ones are: one row per request, grouped once. Same figures (the roll-up contract compares a rebuild
// with what the triggers kept).
import { ROLLUP_ZONE } from '../backoffice/indicators-rollup';
import { delaysFromRequests } from './0026-indicators-rollup';
import { rebuildLevels } from './0028-indicators-levels';
import { REBUILD_DONE } from './0031-intervention-authority';

const REBUILD_MONTHLY_DELAYS = delaysFromRequests(
  'request_monthly_delays',
  'month',
  `date_trunc('month', (r.created_at AT TIME ZONE '${ROLLUP_ZONE}')::date)::date`,
);

export const migration0033 = {
  version: 33,
  name: 'rebuild-monthly-delays',
  sql: `
CREATE OR REPLACE FUNCTION guichet_indicators_rebuild() RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
${rebuildLevels(REBUILD_MONTHLY_DELAYS)}${REBUILD_DONE}END
$fn$;
`,
};
