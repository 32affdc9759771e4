// Teams (services: voirie, éclairage, état civil…), their members and scope, routing rules, and who a request
// is assigned to (a team's queue and/or one agent). Routing runs in the database, in a BEFORE INSERT trigger on
// requests, so every way a request is created (a bot turn, Open311, the API, a future desk intake) is routed the
// same way without each insert having to remember it. The routed assignment is written to the timeline by a
// trigger on the request's first 'received' event, so it comes right after it.
// The old free-text requests.assigned_to stays readable for rows assigned before teams existed; new
// assignments set team_id / assigned_agent_id and clear it.
export const migration0010 = {
  version: 10,
  name: 'teams-routing',
  sql: `
CREATE TABLE teams (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  name text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 120),
  authority_id text,
  -- Scope: empty = every commune / every request type. Types are 'type' or 'type:category'.
  communes text[] NOT NULL DEFAULT '{}',
  request_types text[] NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX teams_tenant_name_idx ON teams (tenant_id, lower(name));

CREATE TABLE team_members (
  team_id uuid NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
  agent_id text NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (team_id, agent_id)
);
CREATE INDEX team_members_agent_idx ON team_members (agent_id);

CREATE TABLE routing_rules (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  request_type text NOT NULL,
  category text,
  commune_id text,
  team_id uuid NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
  position integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX routing_rules_criteria_idx
  ON routing_rules (tenant_id, request_type, COALESCE(category, ''), COALESCE(commune_id, ''));

ALTER TABLE requests ADD COLUMN team_id uuid REFERENCES teams (id) ON DELETE SET NULL;
ALTER TABLE requests ADD COLUMN assigned_agent_id text REFERENCES agents (id) ON DELETE SET NULL;
CREATE INDEX requests_team_idx ON requests (tenant_id, team_id, status);
CREATE INDEX requests_assigned_agent_idx ON requests (assigned_agent_id) WHERE assigned_agent_id IS NOT NULL;

-- The team whose rule matches best: the most specific rule (category and commune named) first, then the
-- administrators' order (position), then the oldest.
CREATE FUNCTION guichet_route_request() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF NEW.team_id IS NULL THEN
    SELECT rr.team_id INTO NEW.team_id
    FROM routing_rules rr
    WHERE rr.tenant_id = NEW.tenant_id
      AND rr.request_type = NEW.type
      AND (rr.category IS NULL OR rr.category = NEW.payload ->> 'category')
      AND (rr.commune_id IS NULL OR rr.commune_id = NEW.commune_id)
    ORDER BY (rr.category IS NOT NULL)::int + (rr.commune_id IS NOT NULL)::int DESC, rr.position, rr.created_at
    LIMIT 1;
  END IF;
  RETURN NEW;
END
$fn$;
CREATE TRIGGER requests_route BEFORE INSERT ON requests FOR EACH ROW EXECUTE FUNCTION guichet_route_request();

-- The routed team in the timeline, right after the request's first event.
CREATE FUNCTION guichet_route_event() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
  routed uuid;
BEGIN
  SELECT r.team_id INTO routed FROM requests r WHERE r.id = NEW.request_id;
  IF routed IS NOT NULL AND NOT EXISTS (
    SELECT 1 FROM request_events e WHERE e.request_id = NEW.request_id AND e.id <> NEW.id
  ) THEN
    INSERT INTO request_events (request_id, status, actor, kind, details)
    VALUES (NEW.request_id, NEW.status, 'routage automatique', 'assignment',
            jsonb_build_object('teamId', routed, 'agentId', NULL, 'routed', true));
  END IF;
  RETURN NULL;
END
$fn$;
CREATE TRIGGER request_events_routed AFTER INSERT ON request_events FOR EACH ROW
  WHEN (NEW.kind = 'status' AND NEW.status = 'received') EXECUTE FUNCTION guichet_route_event();
`,
};
