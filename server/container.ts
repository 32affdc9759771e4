// Composition root: builds every adapter from the configuration and wires them into the engine and the
// express app. The only place that knows which implementation backs which port.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import type { Express } from 'express';
import { createEngine, type Engine } from '../bot/engine';
import type { Logger } from '../bot/logger';
import type { ConversationStateStore, EventBus, IdempotencyStore, LockManager, SharedStore } from '../bot/ports';
import { createNlu } from '../bot/nlu';
import { MemoryEventBus, MemoryIdempotencyStore, MemoryLockManager, MemoryStateStore } from '../adapters/memory';
import { createSharedStore, MEMORY_DATA_DIR } from '../adapters/postgres';
import { createRedisAdapters, RedisEventBus, type RedisAdapters } from '../adapters/redis';
import { ApiAdresseGeocoder } from '../adapters/geocoder';
import { createWebchatChannel, webchatTenantsFrom } from '../channels/webchat';
import { TerritoryProvider } from '../knowledge/territory';
import { createIntents } from '../intents';
import { createApp } from './app';
import { publicUrlOf, type Config } from './config';
import { createLogger } from './logger';
import { tenantDirectory } from './tenants';

export interface Container {
  config: Config;
  logger: Logger;
  territories: TerritoryProvider;
  store: SharedStore;
  state: ConversationStateStore;
  locks: LockManager;
  idempotency: IdempotencyStore;
  /** Pushes between instances (web chat sockets, proactive Bot Framework messages). */
  bus: EventBus;
  engine: Engine;
  app: Express;
  /** Which implementations back the ports, for the start log and the bench. */
  describe(): { store: string; state: string };
  close(): Promise<void>;
}

export interface ContainerOverrides {
  logger?: Logger;
  clock?: () => Date;
  /** Territory directories (tests add fixtures). */
  territoryDirs?: string[];
  /** Use a throwaway in-memory PGlite instead of DATA_DIR (tests). */
  ephemeralStore?: boolean;
  redisKeyPrefix?: string;
  databaseSchema?: string;
}

export async function createContainer(config: Config, overrides: ContainerOverrides = {}): Promise<Container> {
  const logger = overrides.logger ?? createLogger(config.LOG_LEVEL);
  const territories = await TerritoryProvider.fromDirectories(overrides.territoryDirs ?? [config.TERRITORY_DIR], {
    watch: config.WATCH_TERRITORIES && !overrides.ephemeralStore,
    onReload: (c) => logger.info('territories reloaded', { territories: c.list().map((t) => t.id) }),
    onError: (e) => logger.error('territory reload failed, keeping the previous content', { error: String(e) }),
  });

  const store = createSharedStore({
    databaseUrl: config.DATABASE_URL?.startsWith('memory://') ? undefined : config.DATABASE_URL,
    dataDir: overrides.ephemeralStore || config.DATABASE_URL === 'memory://' ? MEMORY_DATA_DIR : path.resolve(config.DATA_DIR, 'pglite'),
    poolSize: config.DATABASE_POOL_SIZE,
    schema: overrides.databaseSchema,
  });
  if (!config.DATABASE_URL && !overrides.ephemeralStore) mkdirSync(path.resolve(config.DATA_DIR), { recursive: true });
  await store.migrate();
  await store.upsertTenants(territories.current().list().map((t) => ({ id: t.id, name: t.name })));
  territories.subscribe((c) => {
    store.upsertTenants(c.list().map((t) => ({ id: t.id, name: t.name }))).catch((e: unknown) => logger.error('tenant upsert failed', { error: String(e) }));
  });

  let redis: RedisAdapters | undefined;
  let state: ConversationStateStore;
  let locks: LockManager;
  let idempotency: IdempotencyStore;
  let bus: EventBus;
  if (config.REDIS_URL) {
    redis = createRedisAdapters(config.REDIS_URL, { keyPrefix: overrides.redisKeyPrefix });
    state = redis.stateStore;
    locks = redis.lockManager;
    idempotency = redis.idempotencyStore;
    bus = new RedisEventBus({ client: redis.client, keyPrefix: overrides.redisKeyPrefix });
  } else {
    state = new MemoryStateStore();
    locks = new MemoryLockManager();
    idempotency = new MemoryIdempotencyStore();
    bus = new MemoryEventBus();
  }

  const geocoder = new ApiAdresseGeocoder({ baseUrl: config.GEOCODER_URL, timeoutMs: config.GEOCODER_TIMEOUT_MS });
  const intents = createIntents({ territories, geocoder });
  const engine = createEngine({
    nlu: createNlu(),
    store,
    state,
    locks,
    idempotency,
    tenants: tenantDirectory(territories),
    modules: intents.modules,
    fallback: intents.fallback,
    logger,
    clock: overrides.clock,
    confidenceThreshold: config.NLU_CONFIDENCE_THRESHOLD,
    stateTtlSeconds: config.STATE_TTL_SECONDS,
  });

  const webchat = createWebchatChannel({
    engine,
    store,
    bus,
    tenants: webchatTenantsFrom(territories),
    secret: webchatSecret(config),
    logger,
    publicUrl: publicUrlOf(config),
  });

  let shuttingDown = false;
  const app = createApp({
    logger,
    isShuttingDown: () => shuttingDown,
    readiness: [
      { name: 'store', check: () => store.ping() },
      { name: 'state', check: () => state.ping() },
    ],
    routes: [...webchat.routes],
  });
  webchat.attach(app);

  return {
    config,
    logger,
    territories,
    store,
    state,
    locks,
    idempotency,
    bus,
    engine,
    app,
    describe: () => ({
      store: config.DATABASE_URL && !config.DATABASE_URL.startsWith('memory://') ? 'postgresql (pg)' : 'pglite (embedded)',
      state: redis ? 'redis' : 'memory (embedded)',
    }),
    async close() {
      shuttingDown = true;
      territories.close();
      await webchat.close();
      await bus.close().catch(() => undefined);
      await Promise.allSettled([store.close(), state.close(), redis?.close()]);
    },
  };
}

/** Webchat tokens must survive restarts and be shared by instances: WEBCHAT_SECRET, else one kept in DATA_DIR. */
function webchatSecret(config: Config): string {
  if (config.WEBCHAT_SECRET) return config.WEBCHAT_SECRET;
  const file = path.resolve(config.DATA_DIR, 'webchat-secret');
  try {
    if (existsSync(file)) return readFileSync(file, 'utf8').trim();
    mkdirSync(path.dirname(file), { recursive: true });
    const secret = randomBytes(32).toString('base64url');
    writeFileSync(file, secret, { mode: 0o600 });
    return secret;
  } catch {
    return randomBytes(32).toString('base64url');
  }
}
