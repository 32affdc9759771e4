// Photos whose bytes must go (an erased contact, a request anonymised by the retention job). The rows that
// named them are rewritten in one transaction, but the bytes live outside it (S3, or the media table): a key is
// queued here in that same transaction, and removed only once the media store confirmed the deletion. A store
// that was down leaves the key queued, and the retention job's next run deletes it — where before the key was
// forgotten with the rows that named it, and the bytes stayed for good.
export const migration0030 = {
  version: 30,
  name: 'media-deletions',
  sql: `
CREATE TABLE media_deletions (
  media_key text PRIMARY KEY,
  tenant_id text NOT NULL,
  queued_at timestamptz NOT NULL DEFAULT now(),
  attempts int NOT NULL DEFAULT 0,
  last_error text
);
CREATE INDEX media_deletions_tenant ON media_deletions (tenant_id, queued_at);
`,
};
