// Builds the real container in-process for tests: demo territory (+ fixtures), embedded adapters
// (memory state, in-memory PGlite), unless a test asks for the real servers.
import path from 'node:path';
import { loadConfig } from '../../server/config';
import { createContainer, type Container, type ContainerOverrides } from '../../server/container';
import { silentLogger } from '../../bot/logger';
import { createLogger } from '../../server/logger';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { createTestDatabase, postgresForContainers } = require('./test-database.js') as {
  createTestDatabase: () => Promise<{ url: string; drop: () => Promise<void> }>;
  postgresForContainers: () => boolean;
};

export const DEMO_TENANT = 'val-de-loue';
export const REPO_ROOT = path.resolve(__dirname, '../..');

export async function createTestContainer(
  env: Record<string, string> = {},
  overrides: ContainerOverrides = {},
): Promise<Container> {
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    WEBCHAT_SECRET: 'test-secret-for-webchat-tokens',
    TERRITORY_DIR: path.join(REPO_ROOT, 'knowledge/territories'),
    WATCH_TERRITORIES: 'false',
    // Background jobs off unless a test asks for them: they only add noise to tests about something else.
    OUTBOX_RELAY: 'false',
    RETENTION_INTERVAL_MINUTES: '0',
    // Tests check behaviour, not PostgreSQL's speed: on a saturated CI machine (other suites creating and dropping
    // databases) a burst of turns once waited more than the default 3 s for a pooled connection, and those turns
    // answered the degraded message a production server would have given. The wait itself has its own test.
    DATABASE_CONNECT_TIMEOUT_MS: '20000',
    // Each test scripts the address API's answers (nock) for its addresses, the same address differently from one
    // test to the next: answers kept from an earlier test would answer instead. The cache has its own tests.
    GEOCODER_CACHE_ENTRIES: '0',
    ...env,
  });
  // Without a DATABASE_URL of its own, a container gets a throwaway database: a copy of the migrated template on
  // the PostgreSQL server when it answers (tests/support/test-database.js), else an in-memory PGlite.
  const database = !env.DATABASE_URL && postgresForContainers() ? await createTestDatabase() : undefined;
  const container = await createContainer(database ? { ...config, DATABASE_URL: database.url } : config, {
    // GUICHET_TEST_LOG=1 shows the server's log lines while debugging a test.
    logger: process.env.GUICHET_TEST_LOG ? createLogger('info') : silentLogger,
    ephemeralStore: !env.DATABASE_URL && !database,
    territoryDirs: [
      path.join(REPO_ROOT, 'knowledge/territories'),
      path.join(REPO_ROOT, 'knowledge/fixtures/territories'),
    ],
    ...overrides,
  }).catch(async (error: unknown) => {
    await database?.drop();
    throw error;
  });
  if (!database) return container;
  const close = container.close.bind(container);
  return Object.assign(container, {
    close: async () => {
      await close();
      await database.drop();
    },
  });
}
