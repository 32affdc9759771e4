// `npm run indicators:rebuild`: recomputes the indicators' roll-up levels (migrations 0026 and 0028: days, months,
// bot turns per past day, interventions done per day) from the requests, conversations, messages and
// interventions. Triggers keep them right at every write; this is for after a bulk load with triggers disabled,
// a restore, or to check them (the figures must not change). Writes to those tables wait meanwhile.
// With the embedded store (PGlite, no DATABASE_URL) the running server owns the data directory: pass
// --embedded only when the server is stopped.
import 'dotenv/config';
import path from 'node:path';
import { createSharedStore } from '../../adapters/postgres';
import { rebuildIndicatorsRollup } from '../../adapters/postgres/backoffice/indicators';
import { ConfigError, loadConfig } from '../config';

async function main(): Promise<number> {
  const config = loadConfig();
  const embedded = !config.DATABASE_URL || config.DATABASE_URL.startsWith('memory://');
  if (embedded && !process.argv.includes('--embedded')) {
    console.error(
      'No DATABASE_URL: the embedded store belongs to the running server.\n' +
        'Stop the server and run `npm run indicators:rebuild -- --embedded`.',
    );
    return 2;
  }
  const store = createSharedStore({
    databaseUrl: embedded ? undefined : config.DATABASE_URL,
    dataDir: path.resolve(config.DATA_DIR, 'pglite'),
    poolSize: 1,
  });
  try {
    await store.migrate();
    const started = performance.now();
    await rebuildIndicatorsRollup(store.sql);
    process.stdout.write(
      `${JSON.stringify({ rebuilt: true, ms: Math.round(performance.now() - started) })}\n`,
    );
    return 0;
  } finally {
    await store.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof ConfigError ? error.message : error);
    process.exit(1);
  },
);
