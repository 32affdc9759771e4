// `npm run token:create -- --tenant val-de-loue --role agent [--authority id] [--name "Marie D."]`
// Issues a back-office API token straight in the shared store (DATABASE_URL, else the embedded PGlite in
// DATA_DIR) and prints it once on stdout; only its SHA-256 is stored. With the embedded PGlite, stop the
// server first (one process at a time), or use POST /api/v1/tokens with ADMIN_TOKEN instead.
import 'dotenv/config';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { createSharedStore } from '../../adapters/postgres';
import { PostgresAuditLog, PostgresTokenStore } from '../../adapters/postgres/backoffice';
import { TerritoryProvider } from '../../knowledge/territory';
import { loadConfig } from '../../server/config';
import { generateToken, hashToken } from '../auth';
import { RoleSchema } from '../schemas';

const USAGE =
  'Usage: npm run token:create -- --tenant <territory id> --role agent|supervisor|admin [--authority <id>] [--name <label>]\n' +
  '       npm run token:create -- --platform-admin [--name <label>]   (every tenant)';

const PlatformAdminArgs = z.object({
  'platform-admin': z.literal(true),
  name: z.string().min(1).max(100).optional(),
});
const TenantArgs = z.object({
  tenant: z.string({ error: 'required' }).min(1).max(64),
  role: RoleSchema,
  authority: z.string().min(1).max(64).optional(),
  name: z.string().min(1).max(100).optional(),
});

async function main(): Promise<number> {
  let values: Record<string, unknown>;
  try {
    values = parseArgs({
      options: {
        tenant: { type: 'string' },
        role: { type: 'string' },
        authority: { type: 'string' },
        name: { type: 'string' },
        'platform-admin': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }).values;
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const args = values['platform-admin'] ? PlatformAdminArgs.safeParse(values) : TenantArgs.safeParse(values);
  if (!args.success) {
    console.error(
      `${args.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('\n')}\n${USAGE}`,
    );
    return 2;
  }

  const config = loadConfig();
  const territories = await TerritoryProvider.fromDirectories([config.TERRITORY_DIR], { watch: false });
  const store = createSharedStore({
    databaseUrl: config.DATABASE_URL?.startsWith('memory://') ? undefined : config.DATABASE_URL,
    dataDir: path.resolve(config.DATA_DIR, 'pglite'),
    poolSize: 1,
  });
  try {
    await store.migrate();
    await store.upsertTenants(
      territories
        .current()
        .list()
        .map((t) => ({ id: t.id, name: t.name })),
    );
    const tokens = new PostgresTokenStore(store.sql);
    const audit = new PostgresAuditLog(store.sql);
    const input = args.data;
    let tenantId: string | null = null;
    let authorityId: string | undefined;
    if ('tenant' in input) {
      const territory = territories.current().get(input.tenant);
      if (!territory) {
        console.error(
          `Unknown tenant ${input.tenant} (known: ${territories
            .current()
            .list()
            .map((t) => t.id)
            .join(', ')})`,
        );
        return 1;
      }
      if (input.authority && !territory.authorities.some((a) => a.id === input.authority)) {
        console.error(
          `Unknown authority ${input.authority} (known: ${territory.authorities.map((a) => a.id).join(', ')})`,
        );
        return 1;
      }
      tenantId = territory.id;
      authorityId = input.authority;
    }
    const role = 'role' in input ? input.role : 'admin';
    const token = generateToken();
    const created = await tokens.createToken({
      tokenHash: hashToken(token),
      role,
      name: input.name,
      tenantId,
      authorityId,
    });
    await audit.audit({
      tenantId,
      actor: 'cli',
      action: 'token.create',
      targetType: 'api_token',
      targetId: created.id,
      details: { role },
    });
    console.error(
      `Token ${created.id}: role ${role}, tenant ${tenantId ?? '(every tenant)'}${authorityId ? `, authority ${authorityId}` : ''}.`,
    );
    console.error(
      'It is shown once: keep it in a password manager. Revoke it with DELETE /api/v1/tokens/{id}.',
    );
    console.log(token);
    return 0;
  } finally {
    territories.close();
    await store.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error('token:create failed:', error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
