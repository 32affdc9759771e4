// Steering indicators over a million requests (docs/back-office.md, "Indicateurs de pilotage"; BENCHMARKS.md,
// "Indicators").
// The indicators read a period's requests from one covering index (index-only scan: no heap visit, no jsonb
// parsed per row), so the incident category is a stored column next to the payload it comes from.
// Reading each request's first response and first assignment from its timeline at query time costs one index
// lookup per request of the period, so both instants are kept on the request
// itself, recomputed by a trigger whenever its timeline gets or changes an event (the timeline stays the truth:
// a changed or back-dated event moves them too). The backlog at a past date reads three narrow indexes (open
// now, resolved after it, rejected after it) instead of every request ever created.
export const migration0021 = {
  version: 21,
  name: 'steering-indicators',
  sql: `
ALTER TABLE requests ADD COLUMN first_response_at timestamptz;
ALTER TABLE requests ADD COLUMN first_assigned_at timestamptz;
ALTER TABLE requests ADD COLUMN payload_category text GENERATED ALWAYS AS (payload ->> 'category') STORED;

-- First response: the request first left 'received' (an agent acted on it). First assignment: first given
-- to a person (automatic routing to a team's queue is not an assignment to someone).
-- Written only when they change: the request's first 'received' event (every new request) writes nothing.
CREATE FUNCTION guichet_request_milestones() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
  responded timestamptz;
  assigned timestamptz;
BEGIN
  SELECT min(e.created_at) INTO responded FROM request_events e
  WHERE e.request_id = NEW.request_id AND e.status <> 'received';
  SELECT min(e.created_at) INTO assigned FROM request_events e
  WHERE e.request_id = NEW.request_id AND e.kind = 'assignment' AND e.details ->> 'agentId' IS NOT NULL;
  UPDATE requests r SET first_response_at = responded, first_assigned_at = assigned
  WHERE r.id = NEW.request_id
    AND (r.first_response_at IS DISTINCT FROM responded OR r.first_assigned_at IS DISTINCT FROM assigned);
  RETURN NULL;
END
$fn$;
CREATE TRIGGER request_events_milestones AFTER INSERT OR UPDATE OF created_at, status, kind, details
  ON request_events FOR EACH ROW EXECUTE FUNCTION guichet_request_milestones();

UPDATE requests r SET
  first_response_at = (SELECT min(e.created_at) FROM request_events e
                       WHERE e.request_id = r.id AND e.status <> 'received'),
  first_assigned_at = (SELECT min(e.created_at) FROM request_events e
                       WHERE e.request_id = r.id AND e.kind = 'assignment' AND e.details ->> 'agentId' IS NOT NULL);

CREATE INDEX requests_indicators_idx ON requests (tenant_id, created_at)
  INCLUDE (type, payload_category, channel, commune_id, authority_id, status, updated_at, resolved_at,
           first_response_at, first_assigned_at);
CREATE INDEX conversations_indicators_idx ON conversations (tenant_id, created_at)
  INCLUDE (channel, handed_over_at, first_agent_reply_at, nlu_fallbacks);
CREATE INDEX messages_bot_turns_idx ON messages (tenant_id, created_at) WHERE direction = 'in' AND intent IS NOT NULL;
CREATE INDEX requests_open_created_idx ON requests (tenant_id, created_at) WHERE status IN ('received', 'in_progress');
CREATE INDEX requests_resolved_at_idx ON requests (tenant_id, resolved_at) WHERE status = 'resolved';
CREATE INDEX requests_rejected_updated_idx ON requests (tenant_id, updated_at) WHERE status = 'rejected';
CREATE INDEX callbacks_tenant_promised_idx ON callbacks (tenant_id, promised_by);
CREATE INDEX interventions_tenant_updated_idx ON interventions (tenant_id, updated_at) WHERE status = 'done';
`,
};
