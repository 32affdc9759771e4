// `npm run retention`: runs the retention job once (for cron) and prints one JSON line per territory.
// With the embedded store (PGlite, no DATABASE_URL) the running server owns the data directory and runs
// the job itself (RETENTION_INTERVAL_MINUTES): pass --embedded only when the server is stopped.
import 'dotenv/config';
import path from 'node:path';
import { createSharedStore } from '../../adapters/postgres';
import { TerritoryProvider, territoryDirsFrom } from '../../knowledge/territory';
import { ConfigError, loadConfig } from '../config';
import { S3MediaStore } from '../../adapters/media';
import { createMediaStore } from '../media-store';
import { runRetention } from './retention';
import { retentionOf } from './schedule';

async function main(): Promise<number> {
  const config = loadConfig();
  const embedded = !config.DATABASE_URL || config.DATABASE_URL.startsWith('memory://');
  if (embedded && !process.argv.includes('--embedded')) {
    console.error(
      'No DATABASE_URL: the embedded store belongs to the running server, which applies retention itself.\n' +
        'Stop the server and run `npm run retention -- --embedded` to run it by hand.',
    );
    return 2;
  }
  const territories = await TerritoryProvider.fromDirectories(territoryDirsFrom(config.TERRITORY_DIR), {
    watch: false,
  });
  const store = createSharedStore({
    databaseUrl: embedded ? undefined : config.DATABASE_URL,
    dataDir: path.resolve(config.DATA_DIR, 'pglite'),
    poolSize: 2,
  });
  try {
    await store.migrate();
    const media = createMediaStore(config, store.sql);
    const reports = await runRetention({
      sql: store.sql,
      tenants: retentionOf(territories),
      now: new Date(),
      media,
    }).finally(() => {
      if (media instanceof S3MediaStore) media.close();
    });
    for (const report of reports) process.stdout.write(`${JSON.stringify(report)}\n`);
    return reports.every((r) => r.ran) ? 0 : 3;
  } finally {
    territories.close();
    await store.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(
      error instanceof ConfigError
        ? error.message
        : `Retention failed: ${error instanceof Error ? error.message : String(error)}`,
    );
    process.exit(1);
  },
);
