// Builds the platform (issue 21): the territory folders (TERRITORY_DIR) and a dedicated PostgreSQL database
// holding the requests and their events. `npm run bench -- --platform` calls ensurePlatform, which reuses both
// when they are already there with the same sizes (the store takes minutes to write).
// Standalone: npx tsx bench/platform/generate.ts [--territories 2000] [--requests 5000000] [--regenerate]
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createSharedStore } from '../../adapters/postgres';
import { PLATFORM_SIZES, writePlatformTerritories } from './territories';
import { generatePlatformRequests } from './requests';
import { withAdmin, withDatabase } from '../database';

export interface PlatformOptions {
  territories: number;
  requests: number;
  /** postgres://… of an existing database on the server: the platform's database is created beside it. */
  databaseUrl: string;
  regenerate?: boolean;
  log?: (line: string) => void;
}

export interface Platform {
  territoryDir: string;
  /** The platform's own database (guichet_platform_<territories>_<requests>): never the test database. */
  databaseUrl: string;
}

export const platformDatabaseName = (o: Pick<PlatformOptions, 'territories' | 'requests'>) =>
  `guichet_platform_${o.territories}_${o.requests}`;

export async function ensurePlatform(options: PlatformOptions): Promise<Platform> {
  const log = options.log ?? (() => undefined);
  const territoryDir = path.join(tmpdir(), `guichet-platform-${options.territories}`);
  const stamp = path.join(territoryDir, '.complete');
  if (
    options.regenerate ||
    !existsSync(stamp) ||
    readFileSync(stamp, 'utf8') !== String(options.territories)
  ) {
    const t0 = performance.now();
    writePlatformTerritories(territoryDir, options.territories);
    writeFileSync(stamp, String(options.territories)); // a dot file: the loader skips it
    log(
      `territories: ${options.territories} folders written to ${territoryDir} in ${Math.round(performance.now() - t0)} ms`,
    );
  } else log(`territories: reusing ${territoryDir}`);

  const name = platformDatabaseName(options);
  const databaseUrl = withDatabase(options.databaseUrl, name);
  await withAdmin(options.databaseUrl, async (admin) => {
    const exists = (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount;
    if (exists && options.regenerate) await admin.query(`DROP DATABASE ${name}`);
    if (!exists || options.regenerate) await admin.query(`CREATE DATABASE ${name}`);
  });
  const store = createSharedStore({ databaseUrl, poolSize: 2 });
  try {
    await store.migrate();
    const [row] = (
      await store.sql.query<{ done: boolean }>(
        `SELECT EXISTS (SELECT 1 FROM requests WHERE reference LIKE 'DEM-%-' || lpad($1::text, 7, '0'))
           AND to_regclass('bench_platform_indexes') IS NULL AS done`,
        [options.requests],
      )
    ).rows;
    if (row?.done) log(`store: reusing database ${name}`);
    else {
      const t0 = performance.now();
      log(`store: writing ${options.requests.toLocaleString('en')} requests into database ${name}…`);
      await generatePlatformRequests(store.sql, options.territories, options.requests, log);
      log(`store: written in ${Math.round((performance.now() - t0) / 1000)} s`);
    }
  } finally {
    await store.close();
  }
  return { territoryDir, databaseUrl };
}

if (require.main === module) {
  const { values } = parseArgs({
    options: {
      territories: { type: 'string', default: String(PLATFORM_SIZES.territories) },
      requests: { type: 'string', default: '5000000' },
      regenerate: { type: 'boolean', default: false },
    },
  });
  ensurePlatform({
    territories: Number(values.territories),
    requests: Number(values.requests),
    databaseUrl: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
    regenerate: values.regenerate,
    log: (line) => process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`),
  }).then(
    (p) => process.stdout.write(`${JSON.stringify(p)}\n`),
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
}
