// References are now random codes (DEM-2026-7K3M9P, bot/references.ts) instead of a counter shared by every
// tenant, which anyone could walk to read other people's requests. Old references stay valid.
export const migration0006 = {
  version: 6,
  name: 'unguessable-references',
  sql: `
ALTER TABLE requests DROP CONSTRAINT IF EXISTS requests_reference_check;
ALTER TABLE requests ADD CONSTRAINT requests_reference_check
  CHECK (reference ~ '^DEM-[0-9]{4}-([0-9]{6,}|[2-9A-HJKMNP-Z]{6})$');
`,
};
