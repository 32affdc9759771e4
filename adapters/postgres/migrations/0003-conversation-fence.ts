// Fencing for the shared store: the highest lock token that committed a turn of the conversation. A turn
// whose lock expired (and was taken by someone else, with a higher token) can no longer commit.
export const migration0003 = {
  version: 3,
  name: 'conversation-fence',
  sql: `ALTER TABLE conversations ADD COLUMN fence_token bigint;`,
};
