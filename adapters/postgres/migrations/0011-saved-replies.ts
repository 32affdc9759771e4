// Saved replies (réponses types): per tenant, a title and a text with placeholders ({reference}, {statut},
// {commune}, {service}) that the back office fills when an agent sends one to a citizen.
export const migration0011 = {
  version: 11,
  name: 'saved-replies',
  sql: `
CREATE TABLE saved_replies (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  title text NOT NULL,
  body text NOT NULL,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX saved_replies_tenant_idx ON saved_replies (tenant_id, lower(title));
`,
};
