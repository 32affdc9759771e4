// The steering indicators' daily roll-up (BENCHMARKS.md, "Indicators"; docs/back-office.md): a year of requests
// read row by row took seconds, so the requests are also counted per tenant × day (Europe/Paris) × authority
// in each breakdown the dashboard shows (request_daily_counts), and their three delays kept as per-day
// histograms per type and category (request_daily_delays; bins in adapters/postgres/backoffice/indicators-rollup.ts);
// conversations likewise per day and channel, with the agents' waiting time (conversation_daily).
// A trigger on requests keeps both exact at every write: a request's old contribution is taken out and its new
// one added, so a changed status, a back-dated timeline event (which moves first_response_at through the
// trigger of migration 0021) or a deletion moves the figures of the day the request was created.
// guichet_indicators_rebuild() recomputes everything from the requests (`npm run indicators:rebuild`).
import { BINS, binSql, ROLLUP_ZONE } from '../backoffice/indicators-rollup';
export const delay = (instant: string, r: string) =>
  `EXTRACT(EPOCH FROM ${instant} - ${r}.created_at)::float8`;
export const resolution = (r: string) =>
  `CASE WHEN ${r}.status = 'resolved' THEN ${delay(`COALESCE(${r}.resolved_at, ${r}.updated_at)`, r)} END`;
const wait = (c: string) => `EXTRACT(EPOCH FROM ${c}.first_agent_reply_at - ${c}.handed_over_at)::float8`;
/** The breakdowns of a request `r`: the keys the dashboard groups by, null when it has none. */
export const breakdowns = (r: string) => `(VALUES ('total', ''), ('type', ${r}.type),
    ('category', CASE WHEN ${r}.payload_category IS NOT NULL THEN ${r}.type || ':' || ${r}.payload_category END),
    ('channel', ${r}.channel), ('commune', COALESCE(${r}.commune_id, 'unknown')), ('authority', ${r}.authority_id),
    ('status', ${r}.status)) AS k(dim, key)`;

/**
 * The delay histograms of one level counted from the requests: `period` is the level's key of a request `r` (its
 * day, or its month for migration 0033), stored in `column`.
 */
export const delaysFromRequests = (
  table: string,
  column: string,
  period: string,
) => `  INSERT INTO ${table} (tenant_id, ${column}, authority_id, type, category, fr, asg, re)
  SELECT tenant_id, ${column}, authority_id, type, category,
    guichet_histogram(array_agg(bfr) FILTER (WHERE bfr IS NOT NULL)),
    guichet_histogram(array_agg(basg) FILTER (WHERE basg IS NOT NULL)),
    guichet_histogram(array_agg(bre) FILTER (WHERE bre IS NOT NULL))
  FROM (
    SELECT r.tenant_id, ${period} AS ${column}, r.authority_id, r.type,
      COALESCE(r.payload_category, '') AS category,
      ${binSql(delay('r.first_response_at', 'r'))} AS bfr,
      ${binSql(delay('r.first_assigned_at', 'r'))} AS basg,
      ${binSql(resolution('r'))} AS bre
    FROM requests r
  ) b
  WHERE bfr IS NOT NULL OR basg IS NOT NULL OR bre IS NOT NULL
  GROUP BY 1, 2, 3, 4, 5;
`;

/** The statements that recompute the daily level (run under the rebuild's lock; migration 0028 adds to them). */
export const REBUILD_DAILY = `  DELETE FROM request_daily_counts;
  DELETE FROM request_daily_delays;
  DELETE FROM conversation_daily;
  INSERT INTO conversation_daily (tenant_id, day, channel, total, handed_over, fallbacks, wait)
  SELECT c.tenant_id, (c.created_at AT TIME ZONE '${ROLLUP_ZONE}')::date, c.channel, count(*),
    count(c.handed_over_at), sum(c.nlu_fallbacks),
    guichet_histogram(array_agg(${binSql(wait('c'))}) FILTER (WHERE c.first_agent_reply_at IS NOT NULL
                                                               AND c.handed_over_at IS NOT NULL))
  FROM conversations c GROUP BY 1, 2, 3;
  INSERT INTO request_daily_counts (tenant_id, day, authority_id, dim, key, n, resolved)
  SELECT r.tenant_id, (r.created_at AT TIME ZONE '${ROLLUP_ZONE}')::date, r.authority_id, k.dim, k.key,
    count(*), count(*) FILTER (WHERE r.status = 'resolved')
  FROM requests r CROSS JOIN LATERAL ${breakdowns('r')}
  WHERE k.key IS NOT NULL GROUP BY 1, 2, 3, 4, 5;
${delaysFromRequests('request_daily_delays', 'day', `(r.created_at AT TIME ZONE '${ROLLUP_ZONE}')::date`)}`;

export const migration0026 = {
  version: 26,
  name: 'indicators-rollup',
  sql: `
CREATE TABLE request_daily_counts (
  tenant_id text NOT NULL,
  day date NOT NULL,
  authority_id text NOT NULL,
  dim text NOT NULL,
  key text NOT NULL,
  n int NOT NULL,
  resolved int NOT NULL,
  PRIMARY KEY (tenant_id, day, authority_id, dim, key)
);
CREATE TABLE request_daily_delays (
  tenant_id text NOT NULL,
  day date NOT NULL,
  authority_id text NOT NULL,
  type text NOT NULL,
  category text NOT NULL,
  fr int[] NOT NULL,
  asg int[] NOT NULL,
  re int[] NOT NULL,
  PRIMARY KEY (tenant_id, day, authority_id, type, category)
);

-- Adds (sign 1) or takes out (sign -1) one request's contribution.
CREATE FUNCTION guichet_rollup_add(r requests, sign int) RETURNS void LANGUAGE plpgsql AS $fn$
DECLARE
  d date := (r.created_at AT TIME ZONE '${ROLLUP_ZONE}')::date;
  cat text := COALESCE(r.payload_category, '');
  bfr int := ${binSql(delay('r.first_response_at', 'r'))};
  basg int := ${binSql(delay('r.first_assigned_at', 'r'))};
  bre int := ${binSql(resolution('r'))};
BEGIN
  INSERT INTO request_daily_counts AS c (tenant_id, day, authority_id, dim, key, n, resolved)
  SELECT r.tenant_id, d, r.authority_id, k.dim, k.key, sign, CASE WHEN r.status = 'resolved' THEN sign ELSE 0 END
  FROM ${breakdowns('r')} WHERE k.key IS NOT NULL
  ON CONFLICT (tenant_id, day, authority_id, dim, key)
  DO UPDATE SET n = c.n + EXCLUDED.n, resolved = c.resolved + EXCLUDED.resolved;
  IF bfr IS NULL AND basg IS NULL AND bre IS NULL THEN RETURN; END IF;
  INSERT INTO request_daily_delays (tenant_id, day, authority_id, type, category, fr, asg, re)
  VALUES (r.tenant_id, d, r.authority_id, r.type, cat, array_fill(0, ARRAY[${BINS}]), array_fill(0, ARRAY[${BINS}]),
          array_fill(0, ARRAY[${BINS}]))
  ON CONFLICT DO NOTHING;
  IF bfr IS NOT NULL THEN
    UPDATE request_daily_delays SET fr[bfr] = fr[bfr] + sign
    WHERE tenant_id = r.tenant_id AND day = d AND authority_id = r.authority_id AND type = r.type AND category = cat;
  END IF;
  IF basg IS NOT NULL THEN
    UPDATE request_daily_delays SET asg[basg] = asg[basg] + sign
    WHERE tenant_id = r.tenant_id AND day = d AND authority_id = r.authority_id AND type = r.type AND category = cat;
  END IF;
  IF bre IS NOT NULL THEN
    UPDATE request_daily_delays SET re[bre] = re[bre] + sign
    WHERE tenant_id = r.tenant_id AND day = d AND authority_id = r.authority_id AND type = r.type AND category = cat;
  END IF;
END
$fn$;

CREATE FUNCTION guichet_request_rollup() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF TG_OP <> 'INSERT' THEN PERFORM guichet_rollup_add(OLD, -1); END IF;
  IF TG_OP <> 'DELETE' THEN PERFORM guichet_rollup_add(NEW, 1); END IF;
  RETURN NULL;
END
$fn$;
CREATE TRIGGER requests_rollup_insert_delete AFTER INSERT OR DELETE ON requests
  FOR EACH ROW EXECUTE FUNCTION guichet_request_rollup();
-- Only the changes the indicators see (not a new note, a geocoded address or a reassignment).
CREATE TRIGGER requests_rollup_update AFTER UPDATE ON requests FOR EACH ROW
  WHEN ((OLD.tenant_id, OLD.created_at, OLD.authority_id, OLD.type, OLD.payload_category, OLD.channel,
         OLD.commune_id, OLD.status, OLD.resolved_at, OLD.first_response_at, OLD.first_assigned_at,
         CASE WHEN OLD.status = 'resolved' AND OLD.resolved_at IS NULL THEN OLD.updated_at END)
    IS DISTINCT FROM (NEW.tenant_id, NEW.created_at, NEW.authority_id, NEW.type, NEW.payload_category, NEW.channel,
         NEW.commune_id, NEW.status, NEW.resolved_at, NEW.first_response_at, NEW.first_assigned_at,
         CASE WHEN NEW.status = 'resolved' AND NEW.resolved_at IS NULL THEN NEW.updated_at END))
  EXECUTE FUNCTION guichet_request_rollup();

CREATE TABLE conversation_daily (
  tenant_id text NOT NULL,
  day date NOT NULL,
  channel text NOT NULL,
  total int NOT NULL,
  handed_over int NOT NULL,
  fallbacks int NOT NULL,
  wait int[] NOT NULL,
  PRIMARY KEY (tenant_id, day, channel)
);

CREATE FUNCTION guichet_conversation_rollup_add(c conversations, sign int) RETURNS void LANGUAGE plpgsql AS $fn$
DECLARE
  d date := (c.created_at AT TIME ZONE '${ROLLUP_ZONE}')::date;
  bwait int := ${binSql(wait('c'))};
BEGIN
  INSERT INTO conversation_daily AS t (tenant_id, day, channel, total, handed_over, fallbacks, wait)
  VALUES (c.tenant_id, d, c.channel, sign, CASE WHEN c.handed_over_at IS NOT NULL THEN sign ELSE 0 END,
          sign * c.nlu_fallbacks, array_fill(0, ARRAY[${BINS}]))
  ON CONFLICT (tenant_id, day, channel) DO UPDATE SET total = t.total + EXCLUDED.total,
    handed_over = t.handed_over + EXCLUDED.handed_over, fallbacks = t.fallbacks + EXCLUDED.fallbacks;
  IF bwait IS NOT NULL THEN
    UPDATE conversation_daily SET wait[bwait] = wait[bwait] + sign
    WHERE tenant_id = c.tenant_id AND day = d AND channel = c.channel;
  END IF;
END
$fn$;
CREATE FUNCTION guichet_conversation_rollup() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF TG_OP <> 'INSERT' THEN PERFORM guichet_conversation_rollup_add(OLD, -1); END IF;
  IF TG_OP <> 'DELETE' THEN PERFORM guichet_conversation_rollup_add(NEW, 1); END IF;
  RETURN NULL;
END
$fn$;
CREATE TRIGGER conversations_rollup_insert_delete AFTER INSERT OR DELETE ON conversations
  FOR EACH ROW EXECUTE FUNCTION guichet_conversation_rollup();
-- Only the changes the indicators see (not each message's last activity).
CREATE TRIGGER conversations_rollup_update AFTER UPDATE ON conversations FOR EACH ROW
  WHEN ((OLD.tenant_id, OLD.created_at, OLD.channel, OLD.handed_over_at, OLD.first_agent_reply_at, OLD.nlu_fallbacks)
    IS DISTINCT FROM (NEW.tenant_id, NEW.created_at, NEW.channel, NEW.handed_over_at, NEW.first_agent_reply_at,
                      NEW.nlu_fallbacks))
  EXECUTE FUNCTION guichet_conversation_rollup();

-- Counts of each bin in a list of bins, as a histogram.
CREATE FUNCTION guichet_histogram(bins int[]) RETURNS int[] LANGUAGE sql IMMUTABLE AS $fn$
  SELECT array_agg(COALESCE(c.n, 0) ORDER BY i) FROM generate_series(1, ${BINS}) AS i
  LEFT JOIN (SELECT b, count(*)::int AS n FROM unnest(bins) AS b GROUP BY b) c ON c.b = i
$fn$;

-- Recomputes the roll-up from the requests and conversations, in one pass each (the requests are locked against writes meanwhile).
CREATE FUNCTION guichet_indicators_rebuild() RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
  LOCK TABLE requests, conversations IN SHARE MODE;
${REBUILD_DAILY}END
$fn$;

-- One authority's interventions: the request's authority read from an index, not the table (a seq scan of
-- every request, 170 ms for a quarter of the bench's data, became an index-only lookup per intervention).
CREATE INDEX requests_id_authority_idx ON requests (id) INCLUDE (authority_id);

SELECT guichet_indicators_rebuild();
`,
};
