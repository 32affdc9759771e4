// The indicators' roll-up, second step (BENCHMARKS.md, "Indicators"; docs/back-office.md): a year read from the
// daily level still took ~0.9 s, spent in four places, each given its own remedy here.
// 1. Monthly level: the request counts and delay histograms are also kept per month (request_monthly_counts,
//    request_monthly_delays) by the same trigger function as the daily ones, so a year reads ~12 rows per key
//    instead of ~365. One upsert per level and table (the daily histograms were an insert and up to 3 updates).
// 2. Bot turns per complete past day (message_daily_turns), materialised lazily by the indicators' reader (and
//    by the rebuild), never on a turn's own write: a new message of today writes nothing more. A day's row is
//    made dirty (n = NULL, a new stamp) when a message of a day before today is written, changed or deleted
//    (back-dated import, provider timestamp just before midnight, retention): row triggers WHEN-filtered on
//    created_at before today, and a statement trigger with a transition table for deletions. Why it is exact:
//    a day is materialised only once every transaction that could still write it has ended (its end is before
//    the oldest running transaction's start, pg_stat_activity); a writer that started before the day ended
//    either committed before the materialiser's snapshot, or sees that day as "before today" and marks it.
//    The materialiser's upsert only fills a row still carrying the stamp it read, so a mark made meanwhile wins.
// 3. Interventions done per tenant × day × team (intervention_daily_done), kept by triggers on interventions
//    (a done intervention's last change moves it, as the live count reads updated_at).
// 4. The backlog's three partial indexes carry created_at and authority_id: index-only scans.
// guichet_indicators_rebuild() recomputes all of it (`npm run indicators:rebuild`); it is run at the end.
import { BINS, binSql, ROLLUP_ZONE } from '../backoffice/indicators-rollup';
import { breakdowns, delay, REBUILD_DAILY, resolution } from './0026-indicators-rollup';

/** Start of today in the roll-up's zone, as the writing transaction sees it (now() is its start). */
const TODAY = `(date_trunc('day', now() AT TIME ZONE '${ROLLUP_ZONE}') AT TIME ZONE '${ROLLUP_ZONE}')`;
export const dayOf = (instant: string) => `(${instant} AT TIME ZONE '${ROLLUP_ZONE}')::date`;

/** One upsert of a request's counts at a level (`period`: the day or the month). */
const countsUpsert = (table: string, column: string, period: string) => `
  INSERT INTO ${table} AS c (tenant_id, ${column}, authority_id, dim, key, n, resolved)
  SELECT r.tenant_id, ${period}, r.authority_id, k.dim, k.key, sign, CASE WHEN r.status = 'resolved' THEN sign ELSE 0 END
  FROM ${breakdowns('r')} WHERE k.key IS NOT NULL
  ON CONFLICT (tenant_id, ${column}, authority_id, dim, key)
  DO UPDATE SET n = c.n + EXCLUDED.n, resolved = c.resolved + EXCLUDED.resolved;`;

/** One upsert of a request's three delay bins at a level: a new row holds its bins, an old one adds to them. */
const bump = (column: string, bin: string) =>
  `${column}[COALESCE(${bin}, 1)] = h.${column}[COALESCE(${bin}, 1)] + CASE WHEN ${bin} IS NULL THEN 0 ELSE sign END`;
const delaysUpsert = (table: string, column: string, period: string) => `
  INSERT INTO ${table} AS h (tenant_id, ${column}, authority_id, type, category, fr, asg, re)
  VALUES (r.tenant_id, ${period}, r.authority_id, r.type, cat, guichet_one_bin(bfr, sign), guichet_one_bin(basg, sign),
          guichet_one_bin(bre, sign))
  ON CONFLICT (tenant_id, ${column}, authority_id, type, category)
  DO UPDATE SET ${bump('fr', 'bfr')}, ${bump('asg', 'basg')}, ${bump('re', 'bre')};`;

/** The monthly counts recomputed from the daily ones. */
const REBUILD_MONTHLY_COUNTS = `  INSERT INTO request_monthly_counts (tenant_id, month, authority_id, dim, key, n, resolved)
  SELECT tenant_id, date_trunc('month', day)::date, authority_id, dim, key, sum(n), sum(resolved)
  FROM request_daily_counts GROUP BY 1, 2, 3, 4, 5;
`;
/** The monthly histograms summed from the daily ones, bin by bin (migration 0033 reads the requests instead). */
const REBUILD_MONTHLY_DELAYS_FROM_DAYS = `  INSERT INTO request_monthly_delays (tenant_id, month, authority_id, type, category, fr, asg, re)
  SELECT tenant_id, month, authority_id, type, category,
    array_agg(fr ORDER BY i), array_agg(asg ORDER BY i), array_agg(re ORDER BY i)
  FROM (
    SELECT d.tenant_id, date_trunc('month', d.day)::date AS month, d.authority_id, d.type, d.category, i,
      sum(d.fr[i])::int AS fr, sum(d.asg[i])::int AS asg, sum(d.re[i])::int AS re
    FROM request_daily_delays d CROSS JOIN generate_series(1, ${BINS}) AS i
    GROUP BY 1, 2, 3, 4, 5, 6
  ) b
  GROUP BY 1, 2, 3, 4, 5;
`;
/** The bot's turns per past day, recomputed from the messages. */
const REBUILD_TURNS = `  -- Every day before today: no writer is running (the lock), a later back-dated message marks its day.
  DELETE FROM message_daily_turns;
  INSERT INTO message_daily_turns (tenant_id, day, n, stamp)
  SELECT tenant_id, ${dayOf('created_at')}, count(*), 0 FROM messages
  WHERE direction = 'in' AND intent IS NOT NULL AND created_at < ${TODAY}
  GROUP BY 1, 2;
`;

/**
 * The rebuild of every level but the interventions' (migration 0031 keys those by authority too), with the statement
 * that fills the monthly histograms (migration 0033 counts them from the requests).
 */
export const rebuildLevels = (
  monthlyDelays: string,
) => `  LOCK TABLE requests, conversations, messages, interventions IN SHARE MODE;
${REBUILD_DAILY}
  DELETE FROM request_monthly_counts;
  DELETE FROM request_monthly_delays;
${REBUILD_MONTHLY_COUNTS}${monthlyDelays}${REBUILD_TURNS}`;
export const REBUILD_LEVELS = rebuildLevels(REBUILD_MONTHLY_DELAYS_FROM_DAYS);
const REBUILD_INTERVENTIONS = `  DELETE FROM intervention_daily_done;
  INSERT INTO intervention_daily_done (tenant_id, day, team_id, n)
  SELECT tenant_id, ${dayOf('updated_at')}, COALESCE(team_id::text, ''), count(*) FROM interventions
  WHERE status = 'done' GROUP BY 1, 2, 3;
`;

export const migration0028 = {
  version: 28,
  name: 'indicators-levels',
  sql: `
CREATE TABLE request_monthly_counts (
  tenant_id text NOT NULL,
  month date NOT NULL,
  authority_id text NOT NULL,
  dim text NOT NULL,
  key text NOT NULL,
  n int NOT NULL,
  resolved int NOT NULL,
  PRIMARY KEY (tenant_id, month, authority_id, dim, key)
);
CREATE TABLE request_monthly_delays (
  tenant_id text NOT NULL,
  month date NOT NULL,
  authority_id text NOT NULL,
  type text NOT NULL,
  category text NOT NULL,
  fr int[] NOT NULL,
  asg int[] NOT NULL,
  re int[] NOT NULL,
  PRIMARY KEY (tenant_id, month, authority_id, type, category)
);
-- The days' totals (the trend and ISO weeks) without reading every breakdown's row of the days.
CREATE INDEX request_daily_totals_idx ON request_daily_counts (tenant_id, day) INCLUDE (authority_id, n, resolved)
  WHERE dim = 'total';

-- A histogram holding \`sign\` in one bin (zeros when there is no bin).
CREATE FUNCTION guichet_one_bin(bin int, sign int) RETURNS int[] LANGUAGE sql IMMUTABLE AS $fn$
  SELECT CASE WHEN bin IS NULL THEN array_fill(0, ARRAY[${BINS}])
    ELSE array_fill(0, ARRAY[bin - 1]) || sign || array_fill(0, ARRAY[${BINS} - bin]) END
$fn$;

-- Adds (sign 1) or takes out (sign -1) one request's contribution, at the daily and the monthly level.
CREATE OR REPLACE FUNCTION guichet_rollup_add(r requests, sign int) RETURNS void LANGUAGE plpgsql AS $fn$
DECLARE
  d date := ${dayOf('r.created_at')};
  m date := date_trunc('month', d)::date;
  cat text := COALESCE(r.payload_category, '');
  bfr int := ${binSql(delay('r.first_response_at', 'r'))};
  basg int := ${binSql(delay('r.first_assigned_at', 'r'))};
  bre int := ${binSql(resolution('r'))};
BEGIN
  ${countsUpsert('request_daily_counts', 'day', 'd')}
  ${countsUpsert('request_monthly_counts', 'month', 'm')}
  IF bfr IS NULL AND basg IS NULL AND bre IS NULL THEN RETURN; END IF;
  ${delaysUpsert('request_daily_delays', 'day', 'd')}
  ${delaysUpsert('request_monthly_delays', 'month', 'm')}
END
$fn$;

-- The bot's turns (citizens' messages the NLU read) per complete past day; n NULL = not known (dirty).
CREATE TABLE message_daily_turns (
  tenant_id text NOT NULL,
  day date NOT NULL,
  n int,
  stamp bigint NOT NULL,
  PRIMARY KEY (tenant_id, day)
);
CREATE SEQUENCE message_daily_turns_stamp;
CREATE FUNCTION guichet_turns_dirty(tenant text, d date) RETURNS void LANGUAGE sql AS $fn$
  INSERT INTO message_daily_turns AS t (tenant_id, day, n, stamp)
  VALUES (tenant, d, NULL, nextval('message_daily_turns_stamp'))
  ON CONFLICT (tenant_id, day) DO UPDATE SET n = NULL, stamp = EXCLUDED.stamp
$fn$;
CREATE FUNCTION guichet_turns_written() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.created_at < ${TODAY} THEN
    PERFORM guichet_turns_dirty(OLD.tenant_id, ${dayOf('OLD.created_at')});
  END IF;
  IF NEW.created_at < ${TODAY} THEN PERFORM guichet_turns_dirty(NEW.tenant_id, ${dayOf('NEW.created_at')}); END IF;
  RETURN NULL;
END
$fn$;
-- Only messages of a day before today: a turn of today writes nothing more.
CREATE TRIGGER messages_turns_backdated AFTER INSERT ON messages FOR EACH ROW
  WHEN (NEW.direction = 'in' AND NEW.intent IS NOT NULL AND NEW.created_at < ${TODAY})
  EXECUTE FUNCTION guichet_turns_written();
CREATE TRIGGER messages_turns_changed AFTER UPDATE ON messages FOR EACH ROW
  WHEN ((OLD.tenant_id, OLD.created_at, OLD.direction, OLD.intent IS NULL)
          IS DISTINCT FROM (NEW.tenant_id, NEW.created_at, NEW.direction, NEW.intent IS NULL)
        AND LEAST(OLD.created_at, NEW.created_at) < ${TODAY})
  EXECUTE FUNCTION guichet_turns_written();
CREATE FUNCTION guichet_turns_deleted() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  PERFORM guichet_turns_dirty(g.tenant_id, g.day)
  FROM (SELECT DISTINCT tenant_id, ${dayOf('created_at')} AS day FROM gone
        WHERE direction = 'in' AND intent IS NOT NULL AND created_at < ${TODAY}
        ORDER BY 1, 2) g;
  RETURN NULL;
END
$fn$;
CREATE TRIGGER messages_turns_deleted AFTER DELETE ON messages REFERENCING OLD TABLE AS gone
  FOR EACH STATEMENT EXECUTE FUNCTION guichet_turns_deleted();

-- Interventions done per day (of their last change) and team ('' for none).
CREATE TABLE intervention_daily_done (
  tenant_id text NOT NULL,
  day date NOT NULL,
  team_id text NOT NULL,
  n int NOT NULL,
  PRIMARY KEY (tenant_id, day, team_id)
);
CREATE FUNCTION guichet_intervention_done_add(i interventions, sign int) RETURNS void LANGUAGE sql AS $fn$
  INSERT INTO intervention_daily_done AS t (tenant_id, day, team_id, n)
  SELECT i.tenant_id, ${dayOf('i.updated_at')}, COALESCE(i.team_id::text, ''), sign WHERE i.status = 'done'
  ON CONFLICT (tenant_id, day, team_id) DO UPDATE SET n = t.n + EXCLUDED.n
$fn$;
CREATE FUNCTION guichet_intervention_rollup() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF TG_OP <> 'INSERT' THEN PERFORM guichet_intervention_done_add(OLD, -1); END IF;
  IF TG_OP <> 'DELETE' THEN PERFORM guichet_intervention_done_add(NEW, 1); END IF;
  RETURN NULL;
END
$fn$;
CREATE TRIGGER interventions_rollup_insert AFTER INSERT ON interventions FOR EACH ROW
  WHEN (NEW.status = 'done') EXECUTE FUNCTION guichet_intervention_rollup();
CREATE TRIGGER interventions_rollup_delete AFTER DELETE ON interventions FOR EACH ROW
  WHEN (OLD.status = 'done') EXECUTE FUNCTION guichet_intervention_rollup();
CREATE TRIGGER interventions_rollup_update AFTER UPDATE ON interventions FOR EACH ROW
  WHEN ((OLD.status = 'done' OR NEW.status = 'done')
    AND (OLD.tenant_id, OLD.status, OLD.updated_at, OLD.team_id)
      IS DISTINCT FROM (NEW.tenant_id, NEW.status, NEW.updated_at, NEW.team_id))
  EXECUTE FUNCTION guichet_intervention_rollup();

-- The backlog at a period's end from the indexes alone (same keys and predicates as migration 0021's).
DROP INDEX requests_open_created_idx;
CREATE INDEX requests_open_created_idx ON requests (tenant_id, created_at) INCLUDE (authority_id)
  WHERE status IN ('received', 'in_progress');
DROP INDEX requests_resolved_at_idx;
CREATE INDEX requests_resolved_at_idx ON requests (tenant_id, resolved_at) INCLUDE (created_at, authority_id)
  WHERE status = 'resolved';
DROP INDEX requests_rejected_updated_idx;
CREATE INDEX requests_rejected_updated_idx ON requests (tenant_id, updated_at) INCLUDE (created_at, authority_id)
  WHERE status = 'rejected';

-- Recomputes every level from the rows (writes to requests, conversations, messages and interventions wait).
CREATE OR REPLACE FUNCTION guichet_indicators_rebuild() RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
${REBUILD_LEVELS}${REBUILD_INTERVENTIONS}END
$fn$;

SELECT guichet_indicators_rebuild();
`,
};
