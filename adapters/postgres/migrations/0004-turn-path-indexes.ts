// Indexes for the turn path, which must stay fast without fresh statistics (autovacuum may be off, or
// behind during a burst):
// - The open-owner index held `updated_at`, which every turn changes: no turn could be a HOT update, each
//   one added entries to every index of the table, and the lookup of the citizen's open conversation
//   walked them. It also competed with the unique (tenant, channel, address) index for that lookup. The
//   agents' queue only needs the few conversations not owned by the bot.
// - A transcript is read by conversation AND tenant, newest first: one index answers both and the order,
//   so the planner never intersects with the (large) per-tenant index.
// - Free room in each conversations page keeps the per-turn update on the same page (HOT).
export const migration0004 = {
  version: 4,
  name: 'turn-path-indexes',
  sql: `
DROP INDEX IF EXISTS conversations_open_owner_idx;
CREATE INDEX conversations_waiting_idx ON conversations (tenant_id, owner, created_at)
  WHERE status = 'open' AND owner <> 'bot';
ALTER TABLE conversations SET (fillfactor = 80);
DROP INDEX IF EXISTS messages_conversation_idx;
CREATE INDEX messages_conversation_idx ON messages (conversation_id, tenant_id, id);
`,
};
