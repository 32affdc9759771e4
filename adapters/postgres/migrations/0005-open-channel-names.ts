// Channels are declared by their folders (bot/channel-capabilities.ts), not by the schema: a new channel
// must not need a migration. The lists of 0001 become a format check (the same pattern as
// CHANNEL_NAME_PATTERN); which names are valid is decided in code, with zod, from the registry.
// (0001's inline checks got PostgreSQL's default names, <table>_channel_check.)
const FORMAT = `channel ~ '^[a-z][a-z0-9_-]{0,31}$'`;

const tables = ['contact_identities', 'conversations', 'requests'];

export const migration0005 = {
  version: 5,
  name: 'open-channel-names',
  sql: tables
    .map(
      (table) => `ALTER TABLE ${table} DROP CONSTRAINT IF EXISTS ${table}_channel_check;
ALTER TABLE ${table} ADD CONSTRAINT ${table}_channel_format CHECK (${FORMAT});`,
    )
    .join('\n'),
};
