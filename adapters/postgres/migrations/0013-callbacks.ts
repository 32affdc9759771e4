// Callbacks the bot promised ("Être rappelé par téléphone"): one task per promise (promise_key: the
// hand-over's outbox dedupe key, so a relay retry records nothing twice), due by promised_by, worked by the
// agents: open → done, or not_reached (attempts counted, stays listed until done). The phone number and
// the question are personal data: the contact's erasure deletes the rows.
export const migration0013 = {
  version: 13,
  name: 'callbacks',
  sql: `
CREATE TABLE callbacks (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  conversation_id uuid NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  contact_id uuid NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
  promise_key text NOT NULL UNIQUE,
  phone text NOT NULL,
  question text,
  promised_by timestamptz NOT NULL,
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'not_reached')),
  attempts integer NOT NULL DEFAULT 0,
  note text,
  handled_by text,
  handled_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX callbacks_tenant_status_idx ON callbacks (tenant_id, status, promised_by);
CREATE INDEX callbacks_contact_idx ON callbacks (contact_id);
`,
};
