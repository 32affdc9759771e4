// Photos citizens send (web chat uploads, MMS/WhatsApp media): the PostgreSQL media store's blobs, by key
// (bot/ports/media-store.ts), and which of them an agent has published. The publication is kept apart from
// the blob so it holds whichever store keeps the bytes (PostgreSQL or S3).
export const migration0017 = {
  version: 17,
  name: 'media',
  sql: `
CREATE TABLE media_objects (
  key text PRIMARY KEY,
  content_type text NOT NULL,
  size integer NOT NULL,
  bytes bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE media_publications (
  tenant_id text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  media_key text PRIMARY KEY,
  request_id uuid NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
  published_by text NOT NULL,
  published_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX media_publications_request ON media_publications (request_id);
`,
};
