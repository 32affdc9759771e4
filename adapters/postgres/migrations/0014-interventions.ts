// Interventions (work orders): the field work a technical team does on a request, from planned to done (or that
// could not be done, with the reason). Each write is recorded in the request's timeline (request_events, kind
// 'intervention'), so this table holds the current state only.
// Idempotency for offline and external clients: interventions.client_id is the key of the call that created the
// intervention; intervention_client_calls keeps the key of each status call with the answer it got, so the same
// call replayed (a phone that was offline, a tool that retried) gets the same answer and writes nothing twice.
export const migration0014 = {
  version: 14,
  name: 'interventions',
  sql: `
CREATE TABLE interventions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  request_id uuid NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
  team_id uuid REFERENCES teams (id) ON DELETE SET NULL,
  what text NOT NULL,
  planned_for date,
  priority text NOT NULL DEFAULT 'normal' CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
  notes text,
  status text NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'in_progress', 'done', 'cannot_do')),
  reason text,
  done_comment text,
  done_photo text,
  client_id text,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT interventions_reason_check CHECK (status <> 'cannot_do' OR reason IS NOT NULL)
);
CREATE UNIQUE INDEX interventions_client_id_idx ON interventions (tenant_id, client_id) WHERE client_id IS NOT NULL;
CREATE INDEX interventions_request_idx ON interventions (request_id, created_at);
CREATE INDEX interventions_team_idx ON interventions (tenant_id, team_id, status, planned_for);

CREATE TABLE intervention_client_calls (
  tenant_id text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  client_id text NOT NULL,
  intervention_id uuid NOT NULL REFERENCES interventions (id) ON DELETE CASCADE,
  status text NOT NULL,
  answer jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, client_id)
);
`,
};
