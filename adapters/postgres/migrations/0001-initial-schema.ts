// The schema for the whole project. Later changes are new numbered migrations (never edit this one
// once released): they only add columns, indexes or relax a CHECK.
// Enumerations are CHECK constraints (cheap to widen in a later migration, unlike enum types).
// Channel list: the neutral channels plus the back-office sources of a request.
const CHANNEL_CHECK = `IN ('webchat', 'sms', 'whatsapp', 'voice', 'botframework', 'cli', 'api', 'open311', 'email', 'backoffice')`;
const REQUEST_STATUS_CHECK = `IN ('received', 'in_progress', 'resolved', 'rejected')`;

export const migration0001 = {
  version: 1,
  name: 'initial-schema',
  sql: `
CREATE TABLE tenants (
  id text PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 64),
  name text NOT NULL,
  settings jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Competent authorities (commune, EPCI, département…) that requests are routed to.
CREATE TABLE authorities (
  tenant_id text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  id text NOT NULL,
  name text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('commune', 'epci', 'departement', 'region', 'etat', 'service', 'other')),
  -- INSEE code of a commune, SIREN of an EPCI…
  code text,
  contact jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id)
);

CREATE TABLE contacts (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  display_name text,
  locale text CHECK (locale IN ('fr', 'en')),
  opted_out boolean NOT NULL DEFAULT false,
  opted_out_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  -- GDPR erasure: personal data wiped, the row kept so statistics stay consistent.
  erased_at timestamptz
);
CREATE INDEX contacts_tenant_created_idx ON contacts (tenant_id, created_at);

-- How a contact is reached on a channel (phone number, webchat session, Bot Framework id).
CREATE TABLE contact_identities (
  tenant_id text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  channel text NOT NULL CHECK (channel ${CHANNEL_CHECK}),
  address text NOT NULL,
  contact_id uuid NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, channel, address)
);
CREATE INDEX contact_identities_contact_idx ON contact_identities (contact_id);

CREATE TABLE agents (
  id text PRIMARY KEY DEFAULT gen_random_uuid()::text,
  tenant_id text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  name text NOT NULL,
  email text,
  authority_id text,
  role text NOT NULL DEFAULT 'agent' CHECK (role IN ('agent', 'supervisor')),
  availability text NOT NULL DEFAULT 'offline' CHECK (availability IN ('offline', 'available', 'busy')),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  disabled_at timestamptz
);
CREATE INDEX agents_tenant_idx ON agents (tenant_id, availability);
CREATE UNIQUE INDEX agents_tenant_email_idx ON agents (tenant_id, lower(email)) WHERE email IS NOT NULL;

CREATE TABLE conversations (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  channel text NOT NULL CHECK (channel ${CHANNEL_CHECK}),
  address text NOT NULL,
  contact_id uuid NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
  owner text NOT NULL DEFAULT 'bot' CHECK (owner IN ('bot', 'queue', 'agent')),
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
  agent_id text REFERENCES agents (id) ON DELETE SET NULL,
  last_intent text,
  nlu_fallbacks integer NOT NULL DEFAULT 0 CHECK (nlu_fallbacks >= 0),
  handed_over_at timestamptz,
  first_agent_reply_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  closed_at timestamptz
);
-- At most one open conversation per channel address (two instances opening at once cannot both win).
CREATE UNIQUE INDEX conversations_open_address_idx ON conversations (tenant_id, channel, address) WHERE status = 'open';
CREATE INDEX conversations_contact_idx ON conversations (tenant_id, contact_id, created_at);
CREATE INDEX conversations_tenant_created_idx ON conversations (tenant_id, created_at);
-- The agent queue: open conversations by owner.
CREATE INDEX conversations_open_owner_idx ON conversations (tenant_id, owner, updated_at) WHERE status = 'open';

CREATE TABLE messages (
  id bigserial PRIMARY KEY,
  conversation_id uuid NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  tenant_id text NOT NULL,
  direction text NOT NULL CHECK (direction IN ('in', 'out', 'agent')),
  text text NOT NULL,
  payload jsonb,
  intent text,
  agent_id text,
  provider_message_id text,
  created_at timestamptz NOT NULL DEFAULT now(),
  -- A provider message replayed (webhook retry) is never stored twice.
  CONSTRAINT messages_provider_message_key UNIQUE (conversation_id, provider_message_id)
);
CREATE INDEX messages_conversation_idx ON messages (conversation_id, id);
CREATE INDEX messages_tenant_created_idx ON messages (tenant_id, created_at);

-- References DEM-YYYY-NNNNNN: the year is the one of creation, the number never resets.
CREATE SEQUENCE request_reference_seq;

CREATE TABLE requests (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  reference text NOT NULL UNIQUE CHECK (reference ~ '^DEM-[0-9]{4}-[0-9]{6,}$'),
  tenant_id text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  type text NOT NULL,
  status text NOT NULL DEFAULT 'received' CHECK (status ${REQUEST_STATUS_CHECK}),
  authority_id text NOT NULL,
  commune_id text,
  channel text NOT NULL CHECK (channel ${CHANNEL_CHECK}),
  contact_id uuid REFERENCES contacts (id) ON DELETE SET NULL,
  conversation_id uuid REFERENCES conversations (id) ON DELETE SET NULL,
  payload jsonb NOT NULL DEFAULT '{}'::jsonb,
  lat double precision CHECK (lat BETWEEN -90 AND 90),
  lon double precision CHECK (lon BETWEEN -180 AND 180),
  location_label text,
  address_text text,
  needs_geocoding boolean NOT NULL DEFAULT false,
  assigned_to text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  resolved_at timestamptz,
  CHECK ((lat IS NULL) = (lon IS NULL))
);
CREATE INDEX requests_tenant_status_idx ON requests (tenant_id, status, created_at);
CREATE INDEX requests_contact_idx ON requests (tenant_id, contact_id, created_at);
CREATE INDEX requests_authority_idx ON requests (tenant_id, authority_id, status);
-- Duplicate detection: open requests of a type, searched by a latitude band first.
CREATE INDEX requests_open_near_idx ON requests (tenant_id, type, lat)
  WHERE status IN ('received', 'in_progress') AND lat IS NOT NULL;
CREATE INDEX requests_needs_geocoding_idx ON requests (created_at) WHERE needs_geocoding;

CREATE TABLE request_events (
  id bigserial PRIMARY KEY,
  request_id uuid NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
  status text NOT NULL CHECK (status ${REQUEST_STATUS_CHECK}),
  note text,
  actor text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX request_events_request_idx ON request_events (request_id, id);

-- Contacts subscribed to a request's updates (a duplicate report follows the existing request).
CREATE TABLE request_followers (
  request_id uuid NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
  contact_id uuid NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (request_id, contact_id)
);
CREATE INDEX request_followers_contact_idx ON request_followers (contact_id);

-- Side effects (notifications, webhooks) committed with the turn, delivered afterwards.
CREATE TABLE outbox (
  id bigserial PRIMARY KEY,
  tenant_id text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  kind text NOT NULL,
  payload jsonb NOT NULL,
  dedupe_key text NOT NULL UNIQUE,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  -- Lease of a delivery worker (SELECT … FOR UPDATE SKIP LOCKED then set).
  locked_until timestamptz,
  last_error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  delivered_at timestamptz
);
CREATE INDEX outbox_due_idx ON outbox (next_attempt_at) WHERE status = 'pending';
CREATE INDEX outbox_tenant_idx ON outbox (tenant_id, status, created_at);

CREATE TABLE api_tokens (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- Only a hash is stored; the token itself is shown once at creation.
  token_hash text NOT NULL UNIQUE,
  name text,
  role text NOT NULL CHECK (role IN ('admin', 'supervisor', 'agent', 'backoffice', 'integration', 'open311', 'readonly')),
  -- NULL: every tenant (platform administration).
  tenant_id text REFERENCES tenants (id) ON DELETE CASCADE,
  authority_id text,
  agent_id text REFERENCES agents (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  expires_at timestamptz,
  revoked_at timestamptz
);
CREATE INDEX api_tokens_tenant_idx ON api_tokens (tenant_id);

CREATE TABLE webhook_subscriptions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  authority_id text,
  url text NOT NULL CHECK (url ~ '^https?://'),
  -- Shared secret for the HMAC signature of each delivery.
  secret text NOT NULL,
  events text[] NOT NULL DEFAULT '{}',
  active boolean NOT NULL DEFAULT true,
  failure_count integer NOT NULL DEFAULT 0,
  last_delivery_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_subscriptions_tenant_idx ON webhook_subscriptions (tenant_id) WHERE active;

-- Aborts the statement that calls it: lets a single-statement write check what a constraint cannot
-- (a followed request of another tenant) and fail whole.
CREATE FUNCTION guichet_fail(code text, message text) RETURNS integer LANGUAGE plpgsql AS $fn$
BEGIN
  RAISE EXCEPTION USING ERRCODE = code, MESSAGE = message;
END
$fn$;

CREATE TABLE audit_log (
  id bigserial PRIMARY KEY,
  -- NULL: a platform-level action.
  tenant_id text,
  actor text NOT NULL,
  action text NOT NULL,
  target_type text,
  target_id text,
  details jsonb NOT NULL DEFAULT '{}'::jsonb,
  ip text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_tenant_created_idx ON audit_log (tenant_id, created_at);
`,
};
