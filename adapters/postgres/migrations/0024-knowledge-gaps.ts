// Knowledge gaps: the citizens' questions the bot could not answer (no service understood, no FAQ passage),
// so supervisors see where the territory's knowledge base needs completing. The question is stored redacted
// (phones, e-mails, names, addresses replaced before the insert) and linked to no conversation or contact: a
// gap says what people ask, never who asked. `handled_at` is set when a supervisor has dealt with it; the
// retention job deletes gaps with the transcripts.
export const migration0024 = {
  version: 24,
  name: 'knowledge-gaps',
  sql: `
CREATE TABLE knowledge_gaps (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  question text NOT NULL,
  channel text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  handled_at timestamptz,
  handled_by text
);
CREATE INDEX knowledge_gaps_open ON knowledge_gaps (tenant_id, created_at DESC) WHERE handled_at IS NULL;
`,
};
