// Composition root: builds every adapter from the configuration and wires them into the engine and the
// express app. The only place that knows which implementation backs which port.
import { createHmac, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import type { Express } from 'express';
import { createEngine, type Engine } from '../bot/engine';
import type { Logger } from '../bot/logger';
import type {
  ConversationStateStore,
  EventBus,
  IdempotencyStore,
  LockManager,
  SharedStore,
} from '../bot/ports';
import { createNlu } from '../bot/nlu';
import {
  MemoryEventBus,
  MemoryIdempotencyStore,
  MemoryLockManager,
  MemoryStateStore,
} from '../adapters/memory';
import { createSharedStore, MEMORY_DATA_DIR } from '../adapters/postgres';
import { createRedisAdapters, RedisEventBus, type RedisAdapters } from '../adapters/redis';
import { createGeocoder } from '../adapters/geocoder';
import { PrometheusMetrics } from '../adapters/metrics';
import { MediaIntake, S3MediaStore } from '../adapters/media';
import { createMediaStore } from './media-store';
import { createTwilioNotifier, createTwilioRecordings, type TwilioNotifier } from '../adapters/twilio';
import { notificationHandler } from '../channels/twilio-common';
import { SMS_WEBHOOK_PATH, createTwilioSmsRouter, createTwilioSmsWebhook } from '../channels/twilio-sms';
import {
  VOICE_MESSAGE_REQUEST,
  VOICE_WEBHOOK_PATH,
  createTwilioVoiceRouter,
  createTwilioVoiceWebhook,
} from '../channels/twilio-voice';
import {
  WEBCHAT_MEDIA_ROUTE,
  createWebchatChannel,
  photoTooLargeText,
  webchatTenantsFrom,
} from '../channels/webchat';
import { PHOTO_MAX_BYTES } from '../backoffice/api/intervention-photos';
import { registerBuiltInChannels } from '../channels/built-in';
import { botFrameworkEnabled, createDisabledBotFrameworkChannel } from '../channels/botframework/disabled';
import { TerritoryProvider, territoryDirsFrom } from '../knowledge/territory';
import { createSmtpSender } from '../adapters/email/smtp-sender';
import { createIntents, type IntentSet } from '../intents';
import type { RecordedRequestType } from '../bot/intent-module';
import { retryGeocoding, type GeocodingRetryReport } from '../intents/report-incident/geocoding-retry';
import { outboxBacklog, parseAllowList, type Resolver } from '../adapters/outbox';
import { createAgentInbox, createBackofficeModule, type BackofficeModule } from '../backoffice';
import { createOpenData } from '../backoffice/open-data';
import { createApp } from './app';
import { oidcSettings, publicUrlOf, type Config } from './config';
import { createLogger } from './logger';
import { createPrivacyRouter } from './privacy/notice-page';
import { msUntilTimeOfDay } from './time-of-day';
import { startIntervalJob, type IntervalJob } from './interval-job';
import { startRetentionSchedule, type RetentionSchedule } from './retention';
import { createSecurityLayer, createTwilioFallback } from './security';
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
  /** SMS/WhatsApp over the Twilio REST API (set when TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN are). */
  twilioNotifier?: TwilioNotifier;
  /** Back office: API, Open311, console, outbox relay. */
  backoffice: BackofficeModule;
  /** The in-server retention job (RETENTION_INTERVAL_MINUTES > 0). */
  retention?: RetentionSchedule;
  /** Locates the reports recorded while the address API was down (GEOCODING_RETRY_MINUTES > 0). */
  geocodingRetry?: IntervalJob<GeocodingRetryReport>;
  /** Builds the open-data figures of every territory (OPEN_DATA_ENABLED, OPEN_DATA_REFRESH_HOURS > 0). */
  openDataRefresh?: IntervalJob<number>;
  /** Citizens' photos: checked, stripped of metadata and stored (MEDIA_STORE). */
  media: MediaIntake;
  /** This instance's Prometheus metrics (METRICS_BIND set); main.ts serves them. */
  metrics?: PrometheusMetrics;
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
  /** How webhook hosts are resolved (tests: a host that changes its answer between checks). */
  webhookResolve?: Resolver;
}

/** The request types recorded: the services' own, and the phone line's voice messages (« Message vocal »). */
export function recordedRequestTypes(intents: IntentSet): RecordedRequestType[] {
  return [...intents.modules.flatMap((m) => (m.records ? [m.records] : [])), VOICE_MESSAGE_REQUEST];
}

export async function createContainer(
  config: Config,
  overrides: ContainerOverrides = {},
): Promise<Container> {
  const logger = overrides.logger ?? createLogger(config.LOG_LEVEL);
  registerBuiltInChannels();
  const territories = await TerritoryProvider.fromDirectories(
    // Several directories separated by ":" (docs/configuration.md), e.g. a platform's territories and a commune's own.
    overrides.territoryDirs ?? territoryDirsFrom(config.TERRITORY_DIR),
    {
      watch: config.WATCH_TERRITORIES && !overrides.ephemeralStore,
      cacheSize: config.TERRITORY_CACHE_SIZE,
      faqCacheSize: config.FAQ_CACHE_SIZE,
      onReload: (c) => logger.info('territories reloaded', { territories: c.reloaded }),
      onError: (e) =>
        logger.error('territory reload failed, keeping the previous content', { error: String(e) }),
    },
  );

  const store = createSharedStore({
    databaseUrl: config.DATABASE_URL?.startsWith('memory://') ? undefined : config.DATABASE_URL,
    dataDir:
      overrides.ephemeralStore || config.DATABASE_URL === 'memory://'
        ? MEMORY_DATA_DIR
        : path.resolve(config.DATA_DIR, 'pglite'),
    poolSize: config.DATABASE_POOL_SIZE,
    connectTimeoutMs: config.DATABASE_CONNECT_TIMEOUT_MS,
    asyncTranscriptCommit: config.DATABASE_ASYNC_TRANSCRIPT_COMMIT,
    schema: overrides.databaseSchema,
  });
  if (!config.DATABASE_URL && !overrides.ephemeralStore)
    mkdirSync(path.resolve(config.DATA_DIR), { recursive: true });
  await store.migrate();
  await store.upsertTenants(
    territories
      .current()
      .summaries()
      .map((t) => ({ id: t.id, name: t.name })),
  );
  territories.subscribe((c) => {
    // Only what was reloaded: one edited territory of a platform does not rewrite 2,000 tenant rows.
    const reloaded = new Set(c.reloaded);
    store
      .upsertTenants(
        c
          .summaries()
          .filter((t) => reloaded.has(t.id))
          .map((t) => ({ id: t.id, name: t.name })),
      )
      .catch((e: unknown) => logger.error('tenant upsert failed', { error: String(e) }));
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

  const geocoding = createGeocoder({
    baseUrl: config.GEOCODER_URL,
    timeoutMs: config.GEOCODER_TIMEOUT_MS,
    maxPerSecond: config.GEOCODER_MAX_PER_SECOND,
    cacheEntries: config.GEOCODER_CACHE_ENTRIES,
    redis: redis?.client,
    keyPrefix: overrides.redisKeyPrefix,
  });
  const geocoder = geocoding.geocoder;
  // Optional language model: nothing is built with LLM_PROVIDER=none, and each territory must opt in too.
  // LangChain and the providers' clients (~40 MB) are loaded only when a model is configured.
  const llm =
    config.LLM_PROVIDER === 'none'
      ? undefined
      : (await import('../adapters/llm')).createLlmServices({
          provider: config.LLM_PROVIDER,
          baseUrl: config.LLM_BASE_URL,
          apiKey: config.LLM_API_KEY,
          model: config.LLM_MODEL,
          timeoutMs: config.LLM_TIMEOUT_MS,
          requestsPerMinute: config.LLM_MAX_REQUESTS_PER_MINUTE,
          tokensPerDay: config.LLM_MAX_TOKENS_PER_DAY,
          redis: redis?.client,
          keyPrefix: overrides.redisKeyPrefix,
          policyOf: (tenantId) => territories.current().get(tenantId)?.llm,
          logger,
          clock: overrides.clock,
        });
  const intents = createIntents({ territories, geocoder, llm: llm?.assistant });
  const recordedTypes = recordedRequestTypes(intents);
  // Citizen messages of conversations owned by an agent go to the agents' live feed.
  const agentInbox = createAgentInbox(bus, logger, overrides.clock);
  // WEBCHAT_SECRET is the deployment secret every instance shares already: the key of the address hash in
  // coordination keys is derived from it (a separate key, so neither use can stand in for the other).
  const deploymentSecret = webchatSecret(config);
  // One NLU for the engine and the desk's forms (the same entities: dates, phones, e-mails).
  const nlu = createNlu();
  const metrics = config.METRICS_BIND
    ? new PrometheusMetrics({
        territories: () => territories.current().cacheStats(),
        connections: () => store.sql.connections?.() ?? [],
        outbox: () => outboxBacklog(store.sql),
        geocoder: geocoding.stats,
      })
    : undefined;
  const engine = createEngine({
    observer: metrics,
    agentInbox,
    nlu,
    store,
    state,
    locks,
    idempotency,
    tenants: tenantDirectory(territories),
    modules: intents.modules,
    fallback: intents.fallback,
    lowConfidence: llm?.lowConfidence,
    logger,
    clock: overrides.clock,
    confidenceThreshold: config.NLU_CONFIDENCE_THRESHOLD,
    stateTtlSeconds: config.STATE_TTL_SECONDS,
    coordinationSecret: createHmac('sha256', deploymentSecret)
      .update('guichet coordination keys')
      .digest('hex'),
  });

  const mediaStore = createMediaStore(config, store.sql, logger);
  const media = new MediaIntake(mediaStore, config.MEDIA_MAX_BYTES);

  const webchat = createWebchatChannel({
    media,
    engine,
    store,
    bus,
    tenants: webchatTenantsFrom(territories),
    secret: deploymentSecret,
    logger,
    publicUrl: publicUrlOf(config),
    greeting: intents.greeting,
    geocoder,
    map: { tileUrl: config.MAP_TILE_URL, attribution: config.MAP_TILE_ATTRIBUTION },
  });
  // botbuilder (~30 MB) is loaded only when the channel can be used; otherwise /api/messages answers 403.
  const botframework = !botFrameworkEnabled(config.MICROSOFT_APP_ID, config.BOTFRAMEWORK_ALLOW_ANONYMOUS)
    ? createDisabledBotFrameworkChannel(logger)
    : (await import('../channels/botframework')).createBotFrameworkChannel({
        engine,
        bus,
        state,
        idempotency,
        logger,
        credentials: {
          appId: config.MICROSOFT_APP_ID,
          appPassword: config.MICROSOFT_APP_PASSWORD,
          appTenantId: config.MICROSOFT_APP_TENANT_ID,
          appType: config.MICROSOFT_APP_TYPE,
        },
        allowAnonymous: config.BOTFRAMEWORK_ALLOW_ANONYMOUS,
        tenantOfAppId: (appId) =>
          ((appId ? territories.current().byBotAppId(appId) : undefined) ?? territories.current().default())
            .id,
      });
  await botframework.start();

  const twilioNotifier =
    config.TWILIO_ACCOUNT_SID && config.TWILIO_AUTH_TOKEN
      ? createTwilioNotifier({
          accountSid: config.TWILIO_ACCOUNT_SID,
          authToken: config.TWILIO_AUTH_TOKEN,
          apiBaseUrl: config.TWILIO_API_BASE_URL,
          logger,
        })
      : undefined;
  const twilio = {
    engine,
    store,
    territories,
    logger,
    sender: twilioNotifier,
    replyDeadlineMs: config.TWILIO_REPLY_DEADLINE_MS,
    auth: {
      authToken: config.TWILIO_AUTH_TOKEN,
      accountSid: config.TWILIO_ACCOUNT_SID,
      skipSignature: config.TWILIO_DEV_SKIP_SIGNATURE,
      publicUrl: config.PUBLIC_URL,
    },
  };

  const backoffice = createBackofficeModule({
    sql: store.sql,
    sharedStore: store,
    bus,
    conversations: engine,
    territories,
    requestTypes: recordedTypes,
    desk: {
      forms: intents.modules.flatMap((m) =>
        (m.forms ?? []).map((form) => ({ form, label: m.records?.label ?? form.title })),
      ),
      nlu,
      store,
      tenants: tenantDirectory(territories),
    },
    logger,
    publicUrl: publicUrlOf(config),
    adminToken: config.ADMIN_TOKEN,
    geocoder,
    sms: twilioNotifier ? notificationHandler(twilioNotifier, territories) : undefined,
    recordings:
      config.TWILIO_ACCOUNT_SID && config.TWILIO_AUTH_TOKEN
        ? createTwilioRecordings({
            accountSid: config.TWILIO_ACCOUNT_SID,
            authToken: config.TWILIO_AUTH_TOKEN,
            apiBaseUrl: config.TWILIO_API_BASE_URL,
          })
        : undefined,
    email: config.SMTP_URL ? createSmtpSender({ url: config.SMTP_URL, from: config.MAIL_FROM }) : undefined,
    relay: {
      enabled: config.OUTBOX_RELAY,
      pollMs: config.OUTBOX_POLL_MS,
      maxAttempts: config.OUTBOX_MAX_ATTEMPTS,
      baseDelayMs: config.OUTBOX_RETRY_BASE_MS,
    },
    webhookTimeoutMs: config.WEBHOOK_TIMEOUT_MS,
    map: { tileUrl: config.MAP_TILE_URL, attribution: config.MAP_TILE_ATTRIBUTION },
    webhookAddresses: {
      policy: parseAllowList(config.WEBHOOK_ALLOWED_HOSTS),
      resolve: overrides.webhookResolve,
    },
    sessions: { idleMinutes: config.SESSION_IDLE_MINUTES, absoluteHours: config.SESSION_ABSOLUTE_HOURS },
    oidc: oidcSettings(config),
    media: mediaStore,
  });

  // Size limits, security headers, rate limits (per IP, per sender), before every router.
  const security = createSecurityLayer({
    publicUrl: config.PUBLIC_URL,
    logger,
    // Photos: the web chat's upload and the field teams' intervention photos have their own size limits.
    uploads: [
      {
        path: WEBCHAT_MEDIA_ROUTE,
        maxBytes: config.MEDIA_MAX_BYTES,
        message: photoTooLargeText(config.MEDIA_MAX_BYTES),
      },
      { path: /^\/api\/v1\/interventions\/[^/]+\/photos\/[^/]+$/, maxBytes: PHOTO_MAX_BYTES },
    ],
    rateLimits: config.RATE_LIMITS_ENABLED
      ? {
          senderPerMinute: config.RATE_LIMIT_SENDER_PER_MINUTE,
          ipPerMinute: config.RATE_LIMIT_IP_PER_MINUTE,
          webhookIpPerMinute: config.RATE_LIMIT_WEBHOOK_IP_PER_MINUTE,
          exemptIps: config.RATE_LIMIT_EXEMPT_IPS,
          redis: redis?.client,
          keyPrefix: overrides.redisKeyPrefix,
        }
      : undefined,
  });
  const retention =
    config.RETENTION_INTERVAL_MINUTES > 0
      ? // Real time, not overrides.clock: the store stamps rows with the database's now().
        startRetentionSchedule({
          sql: store.sql,
          territories,
          logger,
          intervalMs: config.RETENTION_INTERVAL_MINUTES * 60_000,
          media: mediaStore,
        })
      : undefined;
  const geocodingRetry =
    config.GEOCODING_RETRY_MINUTES > 0
      ? startIntervalJob({
          name: 'geocoding retry',
          logger,
          intervalMs: config.GEOCODING_RETRY_MINUTES * 60_000,
          onFailure: { located: 0, notLocated: 0, pending: 0 },
          run: async () => {
            const report = await retryGeocoding({ store, geocoder, territories });
            if (report.located + report.notLocated > 0) logger.info('geocoding retry', { ...report });
            return report;
          },
        })
      : undefined;

  // The public page and open-data files: aggregates only, no sign-in (docs/open-data.md).
  const openData = config.OPEN_DATA_ENABLED
    ? createOpenData({
        sql: store.sql,
        territories,
        requestTypes: recordedTypes,
        k: config.OPEN_DATA_K_ANONYMITY,
        map: { tileUrl: config.MAP_TILE_URL, attribution: config.MAP_TILE_ATTRIBUTION },
        logger,
        clock: overrides.clock,
      })
    : undefined;
  const refreshAt = config.OPEN_DATA_REFRESH_AT;
  const untilRefresh = refreshAt
    ? () => msUntilTimeOfDay(refreshAt, config.OPEN_DATA_REFRESH_TIME_ZONE, new Date())
    : undefined;
  const openDataRefresh =
    openData && (untilRefresh || config.OPEN_DATA_REFRESH_HOURS > 0)
      ? startIntervalJob({
          name: 'open data',
          logger,
          ...(untilRefresh
            ? { nextRunMs: untilRefresh }
            : { intervalMs: config.OPEN_DATA_REFRESH_HOURS * 3_600_000 }),
          onFailure: 0,
          run: (signal) => openData.publisher.refreshAll(signal),
        })
      : undefined;
  if (openDataRefresh && untilRefresh)
    logger.info('open data: figures built every day at a set time', {
      at: refreshAt,
      timeZone: config.OPEN_DATA_REFRESH_TIME_ZONE,
      next: new Date(Date.now() + untilRefresh()).toISOString(),
    });

  const smsDeps = {
    ...twilio,
    idempotency,
    state,
    senderLimit: security.senderLimit,
    media: {
      intake: media,
      timeoutMs: config.MEDIA_FETCH_TIMEOUT_MS,
      apiBaseUrl: config.TWILIO_API_BASE_URL,
    },
  };
  const smsWebhook = createTwilioSmsWebhook(smsDeps);
  const voiceDeps = {
    ...twilio,
    state,
    senderLimit: security.senderLimit,
    voice: config.TWILIO_VOICE,
    clock: overrides.clock,
  };
  const voiceWebhook = createTwilioVoiceWebhook(voiceDeps);
  // Where the Twilio channels answer: the exact lookup's paths and the routers' mount must agree.
  const twilioBase = '/channels/twilio';

  let shuttingDown = false;
  const app = createApp({
    logger,
    before: security.before,
    // Every SMS, WhatsApp message and call step: found by its path before the router walks its layers.
    exactRoutes: [
      { method: 'POST', path: `${twilioBase}${SMS_WEBHOOK_PATH}`, handlers: smsWebhook },
      { method: 'POST', path: `${twilioBase}${VOICE_WEBHOOK_PATH}`, handlers: voiceWebhook },
    ],
    isShuttingDown: () => shuttingDown,
    readiness: [
      { name: 'store', check: () => store.ping() },
      { name: 'state', check: () => state.ping() },
    ],
    // Twilio's routers first, for the forms of their paths the exact lookup above does not match: a request is
    // matched against every route mounted before its own. Their paths overlap with none of the others, so the
    // order changes nothing else.
    routes: [
      [twilioBase, createTwilioSmsRouter(smsDeps, smsWebhook)],
      [twilioBase, createTwilioVoiceRouter(voiceDeps, voiceWebhook)],
      ['/', createPrivacyRouter(territories)],
      ...(openData ? [['/', openData.router] as [string, typeof openData.router]] : []),
      ...webchat.routes,
      ['/api/messages', botframework.router],
      ...backoffice.routes,
    ],
    // Store or state down anywhere in a Twilio webhook: TwiML with the degraded answer, not a JSON 503.
    errorHandlers: [
      [twilioBase, createTwilioFallback({ engine, territories, logger, voice: config.TWILIO_VOICE })],
    ],
  });
  webchat.attach(app);
  // The first Redis connection can time out while startup keeps the event loop busy (NLU, territories):
  // give the reconnect a moment, so an instance that just started does not answer "unavailable".
  if (redis) await untilRedisReady(redis, 5000, logger);

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
    twilioNotifier,
    backoffice,
    media,
    metrics,
    retention,
    geocodingRetry,
    openDataRefresh,
    describe: () => ({
      store:
        config.DATABASE_URL && !config.DATABASE_URL.startsWith('memory://')
          ? 'postgresql (pg)'
          : 'pglite (embedded)',
      state: redis ? 'redis' : 'memory (embedded)',
    }),
    async close() {
      shuttingDown = true;
      // All told to stop at once (each ends after its step in progress), then awaited together.
      await Promise.all([retention?.stop(), geocodingRetry?.stop(), openDataRefresh?.stop()]);
      territories.close();
      await backoffice.close();
      await webchat.close();
      await botframework.close();
      await bus.close().catch(() => undefined);
      if (mediaStore instanceof S3MediaStore) mediaStore.close();
      await Promise.allSettled([store.close(), state.close(), redis?.close()]);
    },
  };
}

async function untilRedisReady(redis: RedisAdapters, ms: number, logger: Logger): Promise<void> {
  const deadline = Date.now() + ms;
  while (redis.client.status !== 'ready' && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 25));
  if (redis.client.status !== 'ready')
    logger.warn('Redis is not reachable yet: answering degraded until it is');
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
