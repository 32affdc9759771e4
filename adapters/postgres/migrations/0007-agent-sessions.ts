// Agents sign in as people: OpenID Connect identities or passwords set through invitations on the agents row, server-side sessions (the
// cookie holds a random id whose SHA-256 is stored, never the id itself) and the short-lived state of a
// sign-in in progress (PKCE verifier, nonce), so any instance can finish a sign-in another one started.
export const migration0007 = {
  version: 7,
  name: 'agent-sessions',
  sql: `
ALTER TABLE agents DROP CONSTRAINT IF EXISTS agents_role_check;
ALTER TABLE agents ADD CONSTRAINT agents_role_check CHECK (role IN ('agent', 'supervisor', 'admin'));
ALTER TABLE agents ADD COLUMN oidc_issuer text;
ALTER TABLE agents ADD COLUMN oidc_subject text;
ALTER TABLE agents ADD COLUMN last_sign_in_at timestamptz;
-- Embedded sign-in (no identity provider): scrypt hash with its own salt and parameters, lockout counters.
ALTER TABLE agents ADD COLUMN password_hash text;
ALTER TABLE agents ADD COLUMN failed_sign_ins integer NOT NULL DEFAULT 0;
ALTER TABLE agents ADD COLUMN locked_until timestamptz;
CREATE INDEX agents_email_idx ON agents (lower(email)) WHERE password_hash IS NOT NULL;

-- One-time links with which an invited agent sets a password (only the link secret's SHA-256 is kept).
CREATE TABLE agent_invitations (
  id_hash text PRIMARY KEY,
  agent_id text NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  used_at timestamptz
);
CREATE INDEX agent_invitations_agent_idx ON agent_invitations (agent_id);
CREATE UNIQUE INDEX agents_oidc_identity_idx ON agents (tenant_id, oidc_issuer, oidc_subject)
  WHERE oidc_subject IS NOT NULL;

CREATE TABLE agent_sessions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  token_hash text NOT NULL UNIQUE,
  -- Synchronizer token: state-changing requests made with the cookie must echo it in X-CSRF-Token.
  csrf_token text NOT NULL,
  agent_id text NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
  tenant_id text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  method text NOT NULL CHECK (method IN ('oidc', 'password')),
  created_at timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL,
  -- Absolute end, whatever the activity.
  expires_at timestamptz NOT NULL,
  revoked_at timestamptz,
  ip text,
  user_agent text
);
CREATE INDEX agent_sessions_agent_idx ON agent_sessions (agent_id) WHERE revoked_at IS NULL;
CREATE INDEX agent_sessions_expires_idx ON agent_sessions (expires_at);

CREATE TABLE oidc_sign_ins (
  -- SHA-256 of the random id kept in the browser's sign-in cookie (binds the answer to that browser).
  id_hash text PRIMARY KEY,
  state text NOT NULL,
  nonce text NOT NULL,
  code_verifier text NOT NULL,
  return_to text NOT NULL,
  expires_at timestamptz NOT NULL
);
`,
};
