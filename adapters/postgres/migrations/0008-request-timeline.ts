// One timeline per request: besides status changes, request_events now records internal notes, assignments,
// replies sent to the citizen and transfers (kind), whether its note may be published (public: an agent wrote it
// for the citizen and the public Open311 read; false by default, so nothing an agent writes is published unless
// they say so), and what the kind needs (details: the assignee, the reply's delivery, …).
// requests.public_description is the text an agent approved for publication (the citizen's own description is
// never published as typed).
export const migration0008 = {
  version: 8,
  name: 'request-timeline',
  sql: `
ALTER TABLE request_events ADD COLUMN kind text NOT NULL DEFAULT 'status'
  CHECK (kind IN ('status', 'note', 'assignment', 'reply', 'transfer', 'intervention'));
ALTER TABLE request_events ADD COLUMN public boolean NOT NULL DEFAULT false;
ALTER TABLE request_events ADD COLUMN details jsonb;
ALTER TABLE requests ADD COLUMN public_description text;
`,
};
