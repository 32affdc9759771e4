// The back office assembled from the shared store's SQL client: its store, the token authenticator, the
// routers (/api/v1, /open311/v2, /console) and the outbox relay with every handler. Called by the
// composition root (server/container.ts), which keeps its own edit to a few lines.
import type { RecordedRequestType } from '../bot/intent-module';
import type { Router } from 'express';
import type { Logger } from '../bot/logger';
import type { EventBus, MediaStore, SharedStore } from '../bot/ports';
import type { Geocoder } from '../bot/ports/geocoder';
import type { TerritoryProvider } from '../knowledge/territory';
import {
  createWebhookFanOut,
  createWebhookSender,
  NO_EXCEPTIONS,
  OutboxRelay,
  type OutboxHandler,
  type Resolver,
  type WebhookAddressPolicy,
} from '../adapters/outbox';
import type { SqlClient } from '../adapters/postgres';
import { createPostgresBackofficeStores } from '../adapters/postgres/backoffice';
import { API_PREFIX, createApiRouter } from './api/router';
import { EventStreams } from './api/events';
import { Authenticator } from './auth';
import type { OidcSettings } from './auth/oidc';
import { OidcSignIn } from './auth/oidc';
import { createAuthRouter } from './auth/router';
import { SessionManager } from './auth/sessions';
import { PostgresAgentSessionStore } from '../adapters/postgres/backoffice/agent-session-store';
import { PostgresAgentDirectory } from '../adapters/postgres/backoffice/agent-directory-store';
import { PostgresKnowledgeGapStore } from '../adapters/postgres/backoffice/knowledge-gaps';
import { PostgresMediaPublications } from '../adapters/postgres/backoffice/media-publications';
import { passwordRoutes } from './auth/password';
import { createConsoleRouter, type MapSettings } from './console/router';
import { recordPromisedCallback } from './callbacks';
import type { VoiceRecordingSource } from './api/deps';
import { createDeskIntake, type DeskIntakeDeps } from './desk/intake';
import { handoverPublisher } from './events';
import { createNotificationDispatcher, type EmailSender, type SmsSender } from './notifications';
import { createOpen311Router } from './open311/router';
import type { BackofficeStore, BackofficeStores, ConversationMemory } from './ports';
import { backofficeFacade } from './stores';

export interface BackofficeModuleOptions {
  sql: SqlClient;
  sharedStore: Pick<SharedStore, 'reserveReference'>;
  bus: EventBus;
  /** The dialogue engine's memory of conversations (the citizen's language; erasure). */
  conversations: ConversationMemory;
  territories: TerritoryProvider;
  /** The request types the public services record (labels for the console); none by default. */
  requestTypes?: readonly RecordedRequestType[];
  logger: Logger;
  publicUrl: string;
  /** ADMIN_TOKEN: the platform administrator. */
  adminToken?: string;
  geocoder?: Geocoder;
  /** The Twilio notification handler (SMS/WhatsApp); without it those notifications wait and retry. */
  sms?: SmsSender;
  /** Voice messages left on the phone line, read from Twilio (GET …/voice-messages/{sid}). */
  recordings?: VoiceRecordingSource;
  /** E-mail to citizens (SMTP_URL); without it e-mail notifications wait and retry. */
  email?: EmailSender;
  clock?: () => Date;
  relay?: { enabled: boolean; pollMs?: number; maxAttempts?: number; baseDelayMs?: number };
  webhookTimeoutMs?: number;
  /** WEBHOOK_ALLOWED_HOSTS: the private receivers webhooks may reach (none by default); `resolve` for tests. */
  webhookAddresses?: { policy: WebhookAddressPolicy; resolve?: Resolver };
  /** Map tiles for the console's request page (MAP_TILE_URL, MAP_TILE_ATTRIBUTION). */
  map?: MapSettings;
  /** Console sessions (defaults: 30 min idle, 10 h absolute). */
  sessions?: { idleMinutes: number; absoluteHours: number };
  /** OpenID Connect sign-in for agents (OIDC_* variables); without it people sign in with a token. */
  oidc?: Omit<OidcSettings, 'publicUrl'>;
  /** The bot's forms, NLU and store for the counter's intake (/api/v1/desk); absent, not served. */
  desk?: Pick<DeskIntakeDeps, 'forms' | 'nlu' | 'store' | 'tenants'>;
  /** Where citizens' photos are kept (MEDIA_STORE); absent, the photo routes are not served. */
  media?: MediaStore;
}

export interface BackofficeModule {
  routes: [string, Router][];
  /** Every port in one object (the API handlers' dependency). */
  store: BackofficeStore;
  /** The same stores by domain. */
  stores: BackofficeStores;
  auth: Authenticator;
  relay: OutboxRelay;
  close(): Promise<void>;
}

export function createBackofficeModule(options: BackofficeModuleOptions): BackofficeModule {
  const clock = options.clock ?? (() => new Date());
  const { bus, logger } = options;
  const stores = createPostgresBackofficeStores(options.sql);
  const store = backofficeFacade(stores);
  const auth = new Authenticator({ store: stores.tokens, adminToken: options.adminToken, logger, clock });
  const streams = new EventStreams();
  const sessionStore = new PostgresAgentSessionStore(options.sql);
  const agentDirectory = new PostgresAgentDirectory(options.sql);
  const sessions = new SessionManager(
    sessionStore,
    { publicUrl: options.publicUrl, idleMinutes: 30, absoluteHours: 10, ...options.sessions },
    clock,
  );
  const oidc = options.oidc
    ? new OidcSignIn({
        settings: { ...options.oidc, publicUrl: options.publicUrl },
        sessions,
        store: sessionStore,
        backoffice: store,
        authorityExists: (tenantId, authorityId) =>
          options.territories
            .current()
            .get(tenantId)
            ?.authorities.some((a) => a.id === authorityId) ?? false,
        logger,
        clock,
      })
    : undefined;
  const mediaPublications = new PostgresMediaPublications(options.sql);
  const deps = {
    store,
    media: options.media,
    mediaPublications,
    savedFilters: stores.savedFilters,
    interventions: stores.interventions,
    interventionPhotos: stores.interventionPhotos,
    bus,
    conversations: options.conversations,
    territories: options.territories,
    requestTypes: options.requestTypes ?? [],
    webhookAddresses: options.webhookAddresses ?? { policy: NO_EXCEPTIONS },
    logger,
    clock,
    sessions,
    agentDirectory,
    teams: stores.teams,
    savedReplies: stores.savedReplies,
    notifications: stores.notifications,
    publicUrl: options.publicUrl,
    smsConfigured: options.sms !== undefined,
    knowledgeGaps: new PostgresKnowledgeGapStore(options.sql),
    recordings: options.recordings,
    desk: options.desk
      ? createDeskIntake({
          ...options.desk,
          clock,
          optedOut: async (tenantId, contactId) =>
            (await store.getContact({ tenantId, authorityId: null }, contactId))?.optedOut ?? false,
        })
      : undefined,
  };

  const fanOut = createWebhookFanOut(options.sql, clock);
  const publishHandover = handoverPublisher(bus, clock);
  const notify = createNotificationDispatcher({ bus, sms: options.sms, email: options.email });
  const handlers: Record<string, OutboxHandler> = {
    notification: (row) => notify(row.payload),
    'request.created': fanOut,
    'request.status_changed': fanOut,
    'request.followed': fanOut,
    'intervention.created': fanOut,
    'intervention.status_changed': fanOut,
    'request.transferred': fanOut,
    'conversation.handover': async (row) => {
      await recordPromisedCallback(stores.callbacks, row);
      await fanOut(row);
      // The consoles' live queue: best effort (they also reload the queue on reconnect).
      await publishHandover(row.payload).catch((error: unknown) =>
        logger.warn('handover publish failed', { error: String(error) }),
      );
    },
    webhook: createWebhookSender(options.sql, {
      timeoutMs: options.webhookTimeoutMs,
      clock,
      addressPolicy: options.webhookAddresses?.policy,
      resolve: options.webhookAddresses?.resolve,
    }),
  };
  const relay = new OutboxRelay({
    sql: options.sql,
    handlers,
    logger,
    pollMs: options.relay?.pollMs,
    maxAttempts: options.relay?.maxAttempts,
    baseDelayMs: options.relay?.baseDelayMs,
  });
  if (options.relay?.enabled ?? true) relay.start();

  return {
    routes: [
      [API_PREFIX, createApiRouter({ ...deps, auth, streams, publicUrl: options.publicUrl })],
      [
        '/open311/v2',
        createOpen311Router({
          store: stores.requests,
          auth,
          territories: options.territories,
          reserveReference: (now) => options.sharedStore.reserveReference(now),
          geocoder: options.geocoder,
          logger,
          clock,
          publicUrl: options.publicUrl,
          photos: options.media ? { store: options.media, publications: mediaPublications } : undefined,
        }),
      ],
      ['/console', createConsoleRouter({ map: options.map })],
      [
        '/auth',
        createAuthRouter({
          oidc,
          oidcProviderName: options.oidc?.providerName,
          password: passwordRoutes({
            directory: agentDirectory,
            sessions,
            backoffice: store,
            publicUrl: options.publicUrl,
            clock,
          }),
        }),
      ],
    ],
    store,
    stores,
    auth,
    relay,
    async close() {
      streams.closeAll();
      await relay.stop();
    },
  };
}
