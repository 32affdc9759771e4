// Working the queue: full-text search of requests and saved filters.
// Search: PGlite ships the `french` text search configuration but not the `unaccent` extension (it is a contrib
// module PGlite does not load), so accents are folded by guichet_fold(), a plain IMMUTABLE SQL function over
// translate() that both PGlite and PostgreSQL run; the GIN indexes are on the very expressions the list query
// uses (adapters/postgres/backoffice/requests.ts), so the planner can use them.
// Saved filters: an agent's named filter set of the requests list, private or shared with the tenant.
export const migration0012 = {
  version: 12,
  name: 'queue',
  sql: `
CREATE FUNCTION guichet_fold(value text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT replace(replace(translate(lower(coalesce(value, '')),
    'àâäáãåçéèêëíìîïñóòôöõúùûüýÿ', 'aaaaaaceeeeiiiinooooouuuuyy'), 'œ', 'oe'), 'æ', 'ae') $$;

CREATE INDEX requests_search_idx ON requests USING gin (to_tsvector('french'::regconfig, guichet_fold(
  coalesce(payload ->> 'description', '') || ' ' || coalesce(address_text, '') || ' ' || coalesce(location_label, ''))));
CREATE INDEX request_events_search_idx ON request_events USING gin (to_tsvector('french'::regconfig, guichet_fold(note)))
  WHERE note IS NOT NULL;

CREATE TABLE saved_filters (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  -- actorOf(principal): 'agent:<id>' or 'token:<id>'.
  owner text NOT NULL,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  -- The list's query parameters (status, type, due, q, sort…), validated by the API.
  filter jsonb NOT NULL,
  shared boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX saved_filters_tenant_idx ON saved_filters (tenant_id, owner);
`,
};
