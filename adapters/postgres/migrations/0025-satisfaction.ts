// Citizen satisfaction: one short question after a request is resolved or an agent released the conversation,
// answered 1 (pas du tout) to 5 (tout à fait) with an optional comment. A request's row is written when the
// question is asked (asked_at), in the status change's transaction: the unique request_id is what makes sure
// it is never asked twice. A conversation's row (after an agent) is written with the answer. The comment is
// stored redacted (phones, e-mails… replaced) like knowledge gaps.
export const migration0025 = {
  version: 25,
  name: 'satisfaction',
  sql: `
CREATE TABLE satisfaction_answers (
  id uuid PRIMARY KEY,
  tenant_id text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  request_id uuid UNIQUE REFERENCES requests (id) ON DELETE CASCADE,
  conversation_id uuid REFERENCES conversations (id) ON DELETE SET NULL,
  channel text NOT NULL,
  score smallint CHECK (score BETWEEN 1 AND 5),
  comment text,
  asked_at timestamptz NOT NULL DEFAULT now(),
  answered_at timestamptz
);
CREATE INDEX satisfaction_answers_answered ON satisfaction_answers (tenant_id, answered_at) WHERE score IS NOT NULL;
`,
};
