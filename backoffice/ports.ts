// Ports: what the back office reads and writes in the shared store, one port per domain (tenants, tokens,
// requests, conversations, contacts, webhooks, indicators, audit log), each with its own contract suite
// (tests/contracts/backoffice-*.contract.ts). Kept apart from SharedStore (the engine's port) so the
// engine's contract stays small; the PostgreSQL/PGlite implementations live in adapters/postgres/backoffice.
// Every scoped method takes a Scope: an object outside it is reported as absent (null / false), never as
// forbidden, so a token of one tenant cannot even learn another's ids exist.
import type { Engine } from '../bot/engine';
import type { ServiceLevel } from './service-levels';
import type { ConversationOwner, OutboxItem, RequestStatus } from '../bot/ports';
import type {
  ContactExport,
  ContactView,
  ConversationDetailView,
  ConversationStateFilter,
  ConversationView,
  DeliveryView,
  ErasureResult,
  IndicatorsView,
  Page,
  RequestDetailView,
  RequestView,
  SavedFilterView,
  Role,
  TokenView,
  WebhookEvent,
  WebhookView,
} from './schemas';

/** What a caller may see: one tenant (null = every tenant, platform administrators) and optionally one authority. */
export interface Scope {
  tenantId: string | null;
  /** Limits requests (and their indicators) to one competent authority. */
  authorityId: string | null;
}

export interface StoredToken {
  id: string;
  tokenHash: string;
  name: string | null;
  role: Role;
  tenantId: string | null;
  authorityId: string | null;
  agentId: string | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
}

export interface NewToken {
  tokenHash: string;
  role: Role;
  name?: string;
  tenantId: string | null;
  authorityId?: string;
}

export interface RequestFilter {
  type?: string;
  types?: string[];
  status?: RequestStatus[];
  authority?: string;
  commune?: string;
  channel?: string;
  assignedTo?: string;
  from?: Date;
  to?: Date;
  q?: string;
  /** Exact references (Open311 service_request_id lists). */
  references?: string[];
  /** payload->>'category' in this list (Open311 service_code). */
  categories?: string[];
  /** Communes whose name matched `q` (the territory knows the names, the database only the ids). */
  communeIds?: string[];
  /** The service levels in scope (backoffice/service-levels.ts): due dates, `due`, sort by due date. */
  serviceLevels?: ServiceLevel[];
  /** Open requests past their due date, or due within DUE_SOON_DAYS, at `now`. */
  due?: 'overdue' | 'soon';
  now?: Date;
  /** 'recent' (default, cursor pages) or 'due' (most urgent first, one page). */
  sort?: 'recent' | 'due';
  limit: number;
  cursor?: string;
}

export interface ConversationFilter {
  state?: ConversationStateFilter;
  channel?: string;
  limit: number;
  cursor?: string;
}

/** A transcript line written by the back office: an agent's message or a notice to the citizen. */
export interface NewMessage {
  direction: 'out' | 'agent';
  text: string;
  payload?: unknown;
  agentId?: string | null;
}

export interface ConversationUpdate {
  owner?: ConversationOwner;
  /** null clears it. */
  agentId?: string | null;
  status?: 'open' | 'closed';
  messages: NewMessage[];
  outbox: OutboxItem[];
}

export interface RequestContext {
  request: RequestView;
  conversation: ConversationView | null;
  /** The contact said STOP: no SMS/WhatsApp notifications. */
  contactOptedOut: boolean;
  /** Citizens who reported the same problem and chose to follow this request, each on their latest conversation. */
  followers: { conversation: ConversationView; optedOut: boolean }[];
}

export interface RequestStatusUpdate {
  status: RequestStatus;
  note?: string;
  actor: string;
  /** Written to the request's conversation transcript (the notice the citizen gets). */
  messages: NewMessage[];
  /** Written to each follower's conversation transcript. */
  followerMessages?: { conversationId: string; messages: NewMessage[] }[];
  outbox: OutboxItem[];
}

export interface NewBackofficeRequest {
  tenantId: string;
  reference: string;
  type: string;
  authorityId: string;
  communeId?: string;
  /** 'open311', 'api', 'backoffice'… */
  channel: string;
  payload: Record<string, unknown>;
  location?: { lat: number; lon: number; label?: string };
  addressText?: string;
  /** Actor of the 'received' event. */
  actor: string;
}

export interface IndicatorsQuery {
  tenantId: string;
  authorityId: string | null;
  from: Date;
  to: Date;
  /** ISO weeks are counted in the territory's time zone. */
  timeZone: string;
}

export interface NewWebhook {
  tenantId: string;
  authorityId?: string;
  url: string;
  events: WebhookEvent[];
  secret: string;
}

export interface DeliveryFilter {
  status?: 'pending' | 'delivered' | 'failed';
  subscriptionId?: string;
  limit: number;
  cursor?: string;
}

export interface AuditEntry {
  tenantId: string | null;
  actor: string;
  action: string;
  targetType?: string;
  targetId?: string;
  details?: Record<string, unknown>;
}

/**
 * A request payload without its personal fields (the request itself is kept for legal follow-up), and
 * whether its location may stay (a pothole's place is not personal; a child's home address is).
 */
export type PayloadAnonymiser = (request: { type: string; payload: Record<string, unknown> }) => {
  payload: Record<string, unknown>;
  keepLocation: boolean;
};

/** The territories known to the store (rows upserted from the territory files at start-up). */
export interface TenantDirectory {
  listTenants(scope: Scope): Promise<{ id: string; name: string }[]>;
  tenantExists(tenantId: string): Promise<boolean>;
}

/** API tokens: only their SHA-256 hash is stored; a revoked token stays listed with its revocation date. */
export interface TokenStore {
  findTokenByHash(tokenHash: string): Promise<StoredToken | null>;
  /** Agents and supervisors get an agents row too (conversations record which agent took them). */
  createToken(token: NewToken): Promise<TokenView>;
  listTokens(scope: Scope): Promise<TokenView[]>;
  revokeToken(scope: Scope, id: string): Promise<boolean>;
  touchToken(id: string): Promise<void>;
}

/** Requests (demandes): their list, detail and history, status changes with their notices, assignment. */
export interface RequestStore {
  listRequests(scope: Scope, filter: RequestFilter): Promise<Page<RequestView>>;
  getRequest(scope: Scope, id: string): Promise<RequestDetailView | null>;
  /** Looks the request up by id or reference. */
  getRequestByReference(scope: Scope, reference: string): Promise<RequestDetailView | null>;
  /**
   * Locks the request, asks `plan` what to write, then writes the event, status, transcript lines and
   * outbox rows in one transaction. `plan` may throw (a GuichetError) to refuse: nothing is written.
   */
  changeRequestStatus(
    scope: Scope,
    id: string,
    plan: (current: RequestContext) => RequestStatusUpdate | Promise<RequestStatusUpdate>,
  ): Promise<RequestDetailView | null>;
  /**
   * The same change for several requests in one transaction: all are changed, or none (`missing`: the first
   * id out of scope or unknown; a `plan` that throws refuses the whole batch).
   */
  changeRequestStatuses(
    scope: Scope,
    ids: readonly string[],
    plan: (current: RequestContext) => RequestStatusUpdate | Promise<RequestStatusUpdate>,
  ): Promise<{ updated: RequestDetailView[] } | { missing: string }>;
  assignRequest(
    scope: Scope,
    id: string,
    assignedTo: string | null,
    actor: string,
  ): Promise<RequestDetailView | null>;
  /** A request that does not come from a conversation (Open311, API), with its 'received' event and outbox rows. */
  createRequest(request: NewBackofficeRequest, outbox: OutboxItem[]): Promise<RequestView>;
}

/** Conversations as agents see them: the hand-over queue, transcripts, taking over and closing. */
export interface ConversationDirectory {
  listConversations(scope: Scope, filter: ConversationFilter): Promise<Page<ConversationView>>;
  getConversation(scope: Scope, id: string): Promise<ConversationDetailView | null>;
  /** Locks the conversation, asks `plan` what to change, commits it in one transaction. */
  updateConversation(
    scope: Scope,
    id: string,
    plan: (current: ConversationView) => ConversationUpdate,
  ): Promise<ConversationView | null>;
}

/**
 * What the back office asks of the dialogue engine: a conversation's dialogue position (the citizen's
 * language) and, on erasure, forgetting its memory. Read through the engine, never by its storage keys.
 */
export type ConversationMemory = Pick<Engine, 'conversationState' | 'forgetConversation'>;

/** A conversation whose memory outside the store (dialogue state, locks, recorded answers) erasure clears. */
export interface ForgottenConversation {
  tenantId: string;
  channel: string;
  address: string;
  conversationId: string;
}

/** Contacts (citizens) and their RGPD rights: access (export) and erasure. */
export interface ContactStore {
  getContact(scope: Scope, id: string): Promise<ContactView | null>;
  exportContact(scope: Scope, id: string): Promise<ContactExport | null>;
  /**
   * RGPD erasure: deletes messages and channel identities, anonymises the contact, the conversations'
   * addresses and the personal fields of its requests (the requests stay for legal follow-up), drops its
   * pending notifications. The caller forgets the conversations' memory (`forget`, read before the addresses
   * were anonymised: never shown to anyone).
   */
  eraseContact(
    scope: Scope,
    id: string,
    actor: string,
    anonymise: PayloadAnonymiser,
  ): Promise<(ErasureResult & { forget: ForgottenConversation[] }) | null>;
}

/** Webhook subscriptions and their deliveries (outbox rows of kind 'webhook'). */
export interface WebhookStore {
  createWebhook(webhook: NewWebhook): Promise<WebhookView>;
  listWebhooks(scope: Scope): Promise<WebhookView[]>;
  deleteWebhook(scope: Scope, id: string): Promise<boolean>;
  listDeliveries(scope: Scope, filter: DeliveryFilter): Promise<Page<DeliveryView>>;
}

/** Territorial indicators over a period (the same BI views the dashboards read). */
export interface IndicatorStore {
  indicators(query: IndicatorsQuery): Promise<IndicatorsView>;
}

/** Who did what in the back office (token issued, webhook registered, request assigned, contact erased…). */
export interface AuditLog {
  audit(entry: AuditEntry): Promise<void>;
}

export interface NewSavedFilter {
  tenantId: string;
  owner: string;
  name: string;
  filter: SavedFilterView['filter'];
  shared: boolean;
}

/** The requests list's saved filters: an agent's own, and those shared with the tenant. */
export interface SavedFilterStore {
  /** The owner's filters and the tenant's shared ones, by name. */
  listSavedFilters(tenantId: string, owner: string): Promise<SavedFilterView[]>;
  createSavedFilter(filter: NewSavedFilter): Promise<SavedFilterView>;
  /** Deletes one of the owner's filters; false when there is none with that id (or it is someone else's). */
  deleteSavedFilter(tenantId: string, owner: string, id: string): Promise<boolean>;
}

/** Every back-office store, by domain: what the composition root builds and hands to the callers. */
export interface BackofficeStores {
  tenants: TenantDirectory;
  tokens: TokenStore;
  requests: RequestStore;
  conversations: ConversationDirectory;
  contacts: ContactStore;
  webhooks: WebhookStore;
  indicators: IndicatorStore;
  audit: AuditLog;
  savedFilters: SavedFilterStore;
}

/**
 * Every port in one object, as the API handlers used to receive it (backoffice/stores.ts builds it from
 * BackofficeStores by delegation). New code should take the one port it needs.
 */
export type BackofficeStore = TenantDirectory &
  TokenStore &
  RequestStore &
  ConversationDirectory &
  ContactStore &
  WebhookStore &
  IndicatorStore &
  AuditLog;
