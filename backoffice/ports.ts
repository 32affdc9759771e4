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
import type { RoutingRuleView, TeamView } from './team-schemas';

/** What a caller may see: one tenant (null = every tenant, platform administrators) and optionally one authority. */
export interface Scope {
  tenantId: string | null;
  /** Limits requests (and their indicators) to one competent authority. */
  authorityId: string | null;
  /**
   * Team scoping (an agent of one or more teams): only the requests in these teams' queues, those assigned to
   * `agentId`, and unrouted ones within the teams' scope. Absent or null: no team restriction.
   */
  teams?: { teamIds: string[]; agentId: string | null } | null;
}

export interface StoredToken {
  id: string;
  tokenHash: string;
  name: string | null;
  role: Role;
  tenantId: string | null;
  authorityId: string | null;
  agentId: string | null;
  /** The teams of the token's agent. */
  teamIds?: string[];
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
  /** Only the requests in this team's queue. */
  team?: string;
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

/** The territory's shared view: its open requests, whatever the authority (TerritoryRequest has no personal field). */
export interface OpenRequestFilter {
  /** West, south, east, north (longitude, latitude, WGS 84): requests located inside. */
  bbox?: { west: number; south: number; east: number; north: number };
  commune?: string;
  category?: string;
  /** Only these request types. */
  types?: string[];
  limit: number;
}

/**
 * An open request as every actor of the territory may see it: what, where, who handles it and since when —
 * never the description, the citizen's contact or their conversation.
 */
export interface TerritoryRequest {
  reference: string;
  type: string;
  category: string | null;
  communeId: string | null;
  authorityId: string;
  status: RequestStatus;
  createdAt: string;
  location: { lat: number; lon: number } | null;
  address: string | null;
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
  /** The satisfaction question was already asked for this request (never twice). */
  satisfactionAsked?: boolean;
}

export interface RequestStatusUpdate {
  status: RequestStatus;
  note?: string;
  /** The note may be published (Open311). */
  public?: boolean;
  /**
   * What the event records: a status change (default), an internal note, a reply sent to the citizen, an
   * intervention's change, or a transfer to another authority (with `transfer`).
   */
  kind?: 'status' | 'note' | 'reply' | 'intervention' | 'transfer';
  details?: Record<string, unknown>;
  /**
   * Moves the request to another authority of its tenant: its team and agent are cleared, then the new
   * authority's routing rules put it in one of that authority's teams (an 'assignment' event says so).
   */
  transfer?: { authorityId: string };
  /** An audit-log entry written in the same transaction (target: the request). */
  audit?: { action: string; details?: Record<string, unknown> };
  actor: string;
  /** Written to the request's conversation transcript (the notice the citizen gets). */
  messages: NewMessage[];
  /** Written to each follower's conversation transcript. */
  followerMessages?: { conversationId: string; messages: NewMessage[] }[];
  outbox: OutboxItem[];
  /** The satisfaction question asked with this change: its row, written in the same transaction. */
  satisfaction?: SatisfactionAsked;
}

export interface SatisfactionAsked {
  id: string;
  conversationId: string;
  channel: string;
  askedAt: string;
}

export interface RequestAssignment {
  teamId: string | null;
  agentId: string | null;
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
  /** The address API was down or over its budget: the geocoding retry job locates the address text later. */
  needsGeocoding?: boolean;
  /** Actor of the 'received' event. */
  actor: string;
}

export interface IndicatorsQuery {
  tenantId: string;
  authorityId: string | null;
  from: Date;
  to: Date;
  /** ISO weeks, trend buckets and ages are counted in the territory's time zone. */
  timeZone: string;
  /** Trend buckets (in the time zone): weeks starting on Monday, or months. Default: week. */
  granularity?: 'week' | 'month';
  /** The territory's service levels (backoffice/service-levels.ts), for the share resolved in time. */
  serviceLevels?: readonly { type: string; category: string | null; days: number }[];
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
  /** Sets (or, with null, withdraws) the description an agent approved for publication; audited. */
  setPublicDescription(
    scope: Scope,
    id: string,
    text: string | null,
    actor: string,
  ): Promise<RequestDetailView | null>;
  /**
   * Puts the request in a team's queue and/or on one agent (null clears either), with an 'assignment' event
   * and an audit entry. The team and the agent must be of the request's tenant, the agent a member of the team
   * when both are given (else BAD_REQUEST, nothing written).
   */
  assignRequest(
    scope: Scope,
    id: string,
    assignment: RequestAssignment,
    actor: string,
  ): Promise<RequestDetailView | null>;
  /**
   * The same assignment for several requests (ids or references) in one transaction, all or nothing:
   * `assignment` is given each request as it is, so an absent field can keep that request's own value.
   */
  assignRequests(
    scope: Scope,
    ids: readonly string[],
    assignment: (current: RequestDetailView) => RequestAssignment,
    actor: string,
  ): Promise<{ updated: RequestDetailView[] } | { missing: string }>;
  /** A request that does not come from a conversation (Open311, API), with its 'received' event and outbox rows. */
  createRequest(request: NewBackofficeRequest, outbox: OutboxItem[]): Promise<RequestView>;
  /**
   * The open requests (received, in progress) of one tenant, every authority included, newest first: the
   * territory's shared read-only view. `truncated`: there were more than `limit`.
   */
  listOpenRequests(
    tenantId: string,
    filter: OpenRequestFilter,
  ): Promise<{ items: TerritoryRequest[]; truncated: boolean }>;
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
export type ConversationMemory = Pick<Engine, 'conversationState' | 'forgetConversation'> &
  /** Puts the satisfaction question to the conversation (absent in tests that never ask it). */
  Partial<Pick<Engine, 'askSatisfaction'>>;

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
   * were anonymised: never shown to anyone) and deletes the photos' bytes (`media`, the media store keys
   * the person's messages and requests named; their publications are already gone).
   */
  eraseContact(
    scope: Scope,
    id: string,
    actor: string,
    anonymise: PayloadAnonymiser,
  ): Promise<(ErasureResult & { forget: ForgottenConversation[]; media: string[] }) | null>;
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

/**
 * Teams (services), their members and scope, and the routing rules that put each new request in a team's
 * queue (applied by the database at insert, whatever creates the request). Tenant-scoped: another tenant's
 * team or rule is absent; an agent of another tenant named as a member is a BAD_REQUEST.
 */
export interface TeamStore {
  listTeams(scope: Scope): Promise<TeamView[]>;
  createTeam(team: NewTeam, actor: string): Promise<TeamView>;
  updateTeam(scope: Scope, id: string, change: TeamChange, actor: string): Promise<TeamView | null>;
  deleteTeam(scope: Scope, id: string, actor: string): Promise<boolean>;
  listRoutingRules(scope: Scope): Promise<RoutingRuleView[]>;
  /** Appended after the existing rules unless a position is given. */
  createRoutingRule(rule: NewRoutingRule, actor: string): Promise<RoutingRuleView>;
  deleteRoutingRule(scope: Scope, id: string, actor: string): Promise<boolean>;
  /** Moves a rule up (-1) or down (+1) in the administrators' order. */
  moveRoutingRule(scope: Scope, id: string, by: -1 | 1, actor: string): Promise<RoutingRuleView[] | null>;
}

export interface NewTeam {
  tenantId: string;
  name: string;
  authorityId?: string | null;
  communes?: string[];
  requestTypes?: string[];
  memberIds?: string[];
}

/** Absent fields are kept; memberIds replaces the members. */
export type TeamChange = Partial<Omit<NewTeam, 'tenantId'>>;

export interface NewRoutingRule {
  tenantId: string;
  requestType: string;
  category?: string | null;
  communeId?: string | null;
  teamId: string;
}

export type CallbackStatus = 'open' | 'done' | 'not_reached';

/** A callback the bot promised, recorded from the hand-over (see CallbackStore.recordCallback). */
export interface NewCallback {
  tenantId: string;
  conversationId: string;
  /** One task per promise: the hand-over's outbox dedupe key. */
  promiseKey: string;
  /** E.164. */
  phone: string;
  question: string | null;
  promisedBy: Date;
}

export interface StoredCallback {
  id: string;
  tenantId: string;
  conversationId: string;
  contactId: string;
  phone: string;
  question: string | null;
  promisedBy: Date;
  status: CallbackStatus;
  attempts: number;
  note: string | null;
  handledBy: string | null;
  handledAt: Date | null;
  createdAt: Date;
}

/** What an agent did: called back, or could not reach the person (one more attempt). */
export interface CallbackOutcome {
  status: 'done' | 'not_reached';
  note?: string;
  actor: string;
}

/** The callbacks the bot promised, as the agents' task list. */
export interface CallbackStore {
  /** Idempotent on promiseKey; false when the conversation is unknown to the tenant. */
  recordCallback(callback: NewCallback): Promise<boolean>;
  /** Open first, the earliest due first. */
  listCallbacks(
    scope: Scope,
    filter: { status?: CallbackStatus[]; limit: number },
  ): Promise<StoredCallback[]>;
  /** Records the outcome and its audit entry in one transaction; a task already done is a CONFLICT. */
  markCallback(scope: Scope, id: string, outcome: CallbackOutcome): Promise<StoredCallback | null>;
  /** RGPD erasure: the contact's callback tasks (number, question) are deleted; returns how many. */
  eraseContactCallbacks(scope: Scope, contactId: string): Promise<number>;
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
  teams: TeamStore;
  savedReplies: SavedReplyStore;
  notifications: NotificationLog;
  callbacks: CallbackStore;
  savedFilters: SavedFilterStore;
  interventions: InterventionStore;
  interventionPhotos: InterventionPhotoStore;
}

/** A message sent to a citizen through the outbox, with where its delivery stands. */
export interface NotificationRecord {
  createdAt: string;
  channel: string | null;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  lastError: string | null;
  text: string | null;
}

/** The notifications about a request (status notices, replies), for its timeline. */
export interface NotificationLog {
  forRequest(tenantId: string, requestId: string): Promise<NotificationRecord[]>;
}

export interface SavedReply {
  id: string;
  tenantId: string;
  title: string;
  /** With placeholders: {reference}, {statut}, {commune}, {service}. */
  body: string;
  createdBy: string;
  updatedAt: string;
}

/** Saved replies (réponses types) of a tenant. Every method is tenant-scoped: another tenant's id is absent. */
export interface SavedReplyStore {
  list(tenantId: string): Promise<SavedReply[]>;
  get(tenantId: string, id: string): Promise<SavedReply | null>;
  create(tenantId: string, reply: { title: string; body: string }, actor: string): Promise<SavedReply>;
  update(
    tenantId: string,
    id: string,
    reply: { title: string; body: string },
    actor: string,
  ): Promise<SavedReply | null>;
  remove(tenantId: string, id: string, actor: string): Promise<boolean>;
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
  AuditLog &
  CallbackStore;

export type InterventionStatus = 'planned' | 'in_progress' | 'done' | 'cannot_do';
export type InterventionPriority = 'low' | 'normal' | 'high' | 'urgent';

/** An intervention (work order) as stored: its current state (its history is in the request's timeline). */
export interface StoredIntervention {
  id: string;
  tenantId: string;
  requestId: string;
  teamId: string | null;
  what: string;
  /** A calendar day (YYYY-MM-DD) in the territory: no time, no time zone. */
  plannedFor: string | null;
  priority: InterventionPriority;
  /** Materials, access, anything the team should know. */
  notes: string | null;
  status: InterventionStatus;
  /** Why it could not be done (cannot_do). */
  reason: string | null;
  doneComment: string | null;
  /** A URL (or a reference to a stored file) of the photo taken when done. */
  donePhoto: string | null;
  /** The idempotency key of the call that created it. */
  clientId: string | null;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

/** An intervention with what the field needs of its request: where, what, never who (no contact). */
export interface InterventionWork extends StoredIntervention {
  request: {
    reference: string;
    type: string;
    status: RequestStatus;
    category: string | null;
    description: string | null;
    /** The citizen's photo (a web address), if any. */
    photoUrl: string | null;
    communeId: string | null;
    addressText: string | null;
    location: { lat: number; lon: number; label: string | null } | null;
  };
}

export interface NewIntervention {
  /** A team of the request's tenant (else BAD_REQUEST). */
  teamId: string | null;
  what: string;
  plannedFor: string | null;
  priority: InterventionPriority;
  notes: string | null;
  /** The same key again answers with the intervention it created, writing nothing. */
  clientId: string | null;
  actor: string;
}

export interface InterventionStatusChange {
  status: Exclude<InterventionStatus, 'planned'>;
  /** Required for cannot_do. */
  reason?: string;
  comment?: string;
  photoUrl?: string;
  /** The same key again answers what the first call got, writing nothing. */
  clientId?: string;
  actor: string;
}

/** What the change's effects are computed from: the request (locked), the intervention before and after, all of them. */
export interface InterventionContext extends RequestContext {
  before: StoredIntervention | null;
  after: StoredIntervention;
  /** Every intervention of the request, this change included. */
  interventions: StoredIntervention[];
}

/** The request's status after the change, and the notices and outbox rows written with it. */
export type InterventionEffects = (
  ctx: InterventionContext,
) =>
  | Pick<RequestStatusUpdate, 'status' | 'messages' | 'followerMessages' | 'outbox'>
  | Promise<Pick<RequestStatusUpdate, 'status' | 'messages' | 'followerMessages' | 'outbox'>>;

export interface InterventionResult {
  intervention: StoredIntervention;
  /** The request's status after the change. */
  requestStatus: RequestStatus;
  /** True when the call was a replay of an earlier one (same clientId): nothing was written. */
  replayed: boolean;
}

export interface InterventionFilter {
  teamId?: string;
  status?: InterventionStatus[];
  /** One calendar day (YYYY-MM-DD). */
  plannedFor?: string;
  limit: number;
}

/**
 * Interventions (work orders) on requests. Each write locks the request and, in one transaction, writes the
 * intervention, a request_events row (kind 'intervention'), the request's status and the notices `effects`
 * returns, the outbox rows and an audit entry; `effects` may throw to refuse (nothing written).
 * Team scoping (Scope.teams) applies to the intervention's team: an agent of team A neither sees nor updates
 * team B's interventions; a request's own list follows the request's scope.
 */
export interface InterventionStore {
  /** null: the request is out of scope. A closed request (resolved, rejected) is a CONFLICT. */
  createIntervention(
    scope: Scope,
    requestId: string,
    intervention: NewIntervention,
    effects: InterventionEffects,
  ): Promise<InterventionResult | null>;
  /** Oldest first; null when the request is out of scope. */
  listRequestInterventions(scope: Scope, requestId: string): Promise<StoredIntervention[] | null>;
  /** Planned day first (none last), then priority (urgent first). */
  listInterventions(scope: Scope, filter: InterventionFilter): Promise<InterventionWork[]>;
  /**
   * planned → in_progress → done | cannot_do (and planned → done | cannot_do); any other move is a CONFLICT.
   * null: the intervention is out of scope.
   */
  changeInterventionStatus(
    scope: Scope,
    id: string,
    change: InterventionStatusChange,
    effects: InterventionEffects,
  ): Promise<InterventionResult | null>;
}

export interface InterventionPhoto {
  contentType: string;
  bytes: Buffer;
}

/** Photos of done interventions, scoped like the interventions (tenant and authority of the request, team). */
export interface InterventionPhotoStore {
  /** Stores the photo once per client id (a replay answers the same id); null when out of scope. */
  putPhoto(
    scope: Scope,
    interventionId: string,
    photo: { clientId: string; contentType: string; bytes: Buffer; actor: string },
  ): Promise<{ id: string } | null>;
  getPhoto(scope: Scope, interventionId: string, photoId: string): Promise<InterventionPhoto | null>;
}

/**
 * Which citizens' photos an agent has published (migration 0017). A photo is private by default: only a
 * published one is served on a public surface (Open311's media_url); agents see every photo of their requests.
 */
export interface MediaPublications {
  /** The keys among `keys` that are published. */
  publishedAmong(keys: readonly string[]): Promise<Set<string>>;
  /** Publishes (or withdraws) the photo `key` of the request `requestId` (its uuid), by `actor`. */
  setPublished(
    photo: { tenantId: string; requestId: string; key: string },
    published: boolean,
    actor: string,
  ): Promise<void>;
}
