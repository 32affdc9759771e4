// The photo a field team takes when an intervention is done, kept in the shared store (no file system to share
// between instances). client_id makes an upload idempotent: a phone that lost the answer sends it again and
// gets the same photo back, nothing stored twice.
export const migration0016 = {
  version: 16,
  name: 'intervention-photos',
  sql: `
CREATE TABLE intervention_photos (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  intervention_id uuid NOT NULL REFERENCES interventions (id) ON DELETE CASCADE,
  client_id text NOT NULL,
  content_type text NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'image/webp')),
  bytes bytea NOT NULL,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (intervention_id, client_id)
);
`,
};
