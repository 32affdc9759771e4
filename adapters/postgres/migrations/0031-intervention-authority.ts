// Interventions done per authority too: a supervisor of one authority reads its teams' work from the roll-up
// instead of looking up each done intervention's request (19,000 lookups for 90 days in the indicators bench,
// the slowest statement of that call). An intervention carries its request's authority (set on insert, moved
// with the request when it is transferred, so the roll-up's triggers move the counts), and
// intervention_daily_done is keyed by it. A deleted request's interventions still know it (a cascade).
import { dayOf, REBUILD_LEVELS } from './0028-indicators-levels';

/** The done interventions' roll-up recomputed from the rows: by the rebuild, and once here. */
export const REBUILD_DONE = `  DELETE FROM intervention_daily_done;
  INSERT INTO intervention_daily_done (tenant_id, day, team_id, authority_id, n)
  SELECT tenant_id, ${dayOf('updated_at')}, COALESCE(team_id::text, ''), COALESCE(authority_id, ''), count(*)
  FROM interventions WHERE status = 'done' GROUP BY 1, 2, 3, 4;
`;

export const migration0031 = {
  version: 31,
  name: 'intervention-authority',
  sql: `
ALTER TABLE interventions ADD COLUMN authority_id text;
UPDATE interventions i SET authority_id = r.authority_id FROM requests r WHERE r.id = i.request_id;

CREATE FUNCTION guichet_intervention_authority() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  SELECT r.authority_id INTO NEW.authority_id FROM requests r WHERE r.id = NEW.request_id;
  RETURN NEW;
END
$fn$;
CREATE TRIGGER interventions_authority BEFORE INSERT OR UPDATE OF request_id ON interventions
  FOR EACH ROW EXECUTE FUNCTION guichet_intervention_authority();
CREATE FUNCTION guichet_request_authority_moved() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  UPDATE interventions SET authority_id = NEW.authority_id WHERE request_id = NEW.id;
  RETURN NULL;
END
$fn$;
CREATE TRIGGER requests_authority_moved AFTER UPDATE OF authority_id ON requests FOR EACH ROW
  WHEN (OLD.authority_id IS DISTINCT FROM NEW.authority_id) EXECUTE FUNCTION guichet_request_authority_moved();

ALTER TABLE intervention_daily_done ADD COLUMN authority_id text NOT NULL DEFAULT '';
ALTER TABLE intervention_daily_done DROP CONSTRAINT intervention_daily_done_pkey,
  ADD PRIMARY KEY (tenant_id, day, team_id, authority_id);
CREATE OR REPLACE FUNCTION guichet_intervention_done_add(i interventions, sign int) RETURNS void LANGUAGE sql AS $fn$
  INSERT INTO intervention_daily_done AS t (tenant_id, day, team_id, authority_id, n)
  SELECT i.tenant_id, ${dayOf('i.updated_at')}, COALESCE(i.team_id::text, ''), COALESCE(i.authority_id, ''), sign
  WHERE i.status = 'done'
  ON CONFLICT (tenant_id, day, team_id, authority_id) DO UPDATE SET n = t.n + EXCLUDED.n
$fn$;
DROP TRIGGER interventions_rollup_update ON interventions;
CREATE TRIGGER interventions_rollup_update AFTER UPDATE ON interventions FOR EACH ROW
  WHEN ((OLD.status = 'done' OR NEW.status = 'done')
    AND (OLD.tenant_id, OLD.status, OLD.updated_at, OLD.team_id, OLD.authority_id)
      IS DISTINCT FROM (NEW.tenant_id, NEW.status, NEW.updated_at, NEW.team_id, NEW.authority_id))
  EXECUTE FUNCTION guichet_intervention_rollup();

CREATE OR REPLACE FUNCTION guichet_indicators_rebuild() RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
${REBUILD_LEVELS}${REBUILD_DONE}END
$fn$;

${REBUILD_DONE}`,
};
