// Port: the shared relational store (PostgreSQL; PGlite embedded by default). Back-office tools read it.
// Everything a turn changes is committed by one call, `commitTurn`, in one transaction.
import type { Channel, GeoPoint } from '../messages';

export type ConversationOwner = 'bot' | 'queue' | 'agent';
export type ConversationStatus = 'open' | 'closed';
export type RequestStatus = 'received' | 'in_progress' | 'resolved' | 'rejected';
export const REQUEST_STATUSES: readonly RequestStatus[] = ['received', 'in_progress', 'resolved', 'rejected'];

export interface TenantRecord {
  id: string;
  name: string;
}

export interface ConversationRecord {
  id: string;
  tenantId: string;
  channel: Channel;
  address: string;
  contactId: string;
  owner: ConversationOwner;
  status: ConversationStatus;
  agentId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface MessageRecord {
  direction: 'in' | 'out' | 'agent';
  text: string;
  /** Neutral replies or channel extras (media, location), JSON. */
  payload?: unknown;
  providerMessageId?: string;
  intent?: string;
  createdAt?: Date;
}

export interface NewRequest {
  reference: string;
  tenantId: string;
  type: string;
  authorityId: string;
  communeId?: string;
  channel: Channel;
  contactId: string;
  conversationId: string;
  payload: Record<string, unknown>;
  location?: GeoPoint;
  addressText?: string;
  /** The address could not be geocoded in time: a job retries later. */
  needsGeocoding?: boolean;
}

export interface RequestEvent {
  status: RequestStatus;
  note?: string;
  actor: string;
  createdAt: Date;
}

export interface RequestRecord extends NewRequest {
  id: string;
  status: RequestStatus;
  createdAt: Date;
  updatedAt: Date;
  events: RequestEvent[];
}

export interface OutboxItem {
  /** 'notification' (message to a citizen), 'webhook' (territory's URL), … */
  kind: string;
  payload: Record<string, unknown>;
  /** Delivery idempotency key, unique. */
  dedupeKey: string;
}

export interface TurnCommit {
  tenantId: string;
  conversationId: string;
  messages: MessageRecord[];
  requests: NewRequest[];
  /** Subscribe the contact to updates of an existing request (duplicate report). */
  follows?: { requestId: string; contactId: string }[];
  outbox: OutboxItem[];
  conversation?: {
    owner?: ConversationOwner;
    status?: ConversationStatus;
    lastIntent?: string;
    nluFallback?: boolean;
    /** The bot could not answer the citizen's message (no service, no FAQ passage): kept, redacted, as a knowledge gap. */
    unanswered?: boolean;
    /**
     * The citizen's answer to the satisfaction question (score, then optional comment, each in its own turn):
     * upserted by the question's id; the comment is stored redacted.
     */
    satisfaction?: {
      id: string;
      requestId: string | null;
      askedAt: string;
      score?: number;
      comment?: string;
    };
  };
  /** Who filed the requests of this commit, on their 'received' event (an agent at the desk); the bot by default. */
  actor?: string;
  /**
   * The fencing token of the conversation lock held for this turn. The commit is refused
   * (GuichetError 'STALE_STATE', nothing written) if a turn with a higher token already committed.
   */
  fenceToken?: number;
  /**
   * What the turn ran on, when it did not read the conversation first (the engine's per-process copy): the commit
   * is written only if the conversation is still open, still this address's and still owned by `owner`.
   * Otherwise nothing is written and the outcome is 'conversation_changed' (an agent took it over, it was closed,
   * erased or purged meanwhile), for the turn to run again on what the store holds.
   */
  expect?: { owner: ConversationOwner; address: string };
  /**
   * The requests' references were drawn without asking whether they are free (`draftReference`): one taken
   * already makes nothing written and the outcome 'reference_taken', for the turn to run again with new ones
   * (without this flag a taken reference is a CONFLICT error).
   */
  draftReferences?: boolean;
}

export type TurnCommitOutcome =
  'committed' | 'already_committed' | 'conversation_changed' | 'reference_taken';

export interface SharedStore {
  migrate(): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;

  upsertTenants(tenants: TenantRecord[]): Promise<void>;

  /** The open conversation for this channel address, created with its contact and identity if absent. */
  openConversation(input: {
    tenantId: string;
    channel: Channel;
    address: string;
  }): Promise<ConversationRecord>;
  getConversation(tenantId: string, conversationId: string): Promise<ConversationRecord | null>;
  /** The open conversation for this channel address, or null (never creates one). */
  findConversation(input: {
    tenantId: string;
    channel: Channel;
    address: string;
  }): Promise<ConversationRecord | null>;

  /** A fresh, unique reference DEM-YYYY-NNNNNN (may leave gaps; never reused). */
  reserveReference(now: Date): Promise<string>;
  /**
   * A new reference for a request created at `now`, drawn without asking whether it is free (a round trip less
   * per request): only for a commit with `draftReferences`, which is refused when it was taken (one chance in
   * hundreds of millions per request of the year).
   */
  draftReference(now: Date): string;
  /**
   * Commits a turn in one transaction. A turn is committed once per provider message: when a message of the
   * commit carries a provider message id already stored in the conversation (the provider retried a message
   * whose turn an instance committed before dying), nothing at all is written — no second request, no second
   * outbox item — and the outcome is 'already_committed' (the answer given then: `committedTurn`).
   */
  commitTurn(commit: TurnCommit): Promise<TurnCommitOutcome>;
  /**
   * The turn committed for one provider message: the bot's answer stored with it, in order, and whether it is
   * still the conversation's latest turn (nothing but bot messages after it). Null when no such message.
   */
  committedTurn(
    tenantId: string,
    conversationId: string,
    providerMessageId: string,
  ): Promise<{ replies: MessageRecord[]; latest: boolean } | null>;

  listMessages(
    tenantId: string,
    conversationId: string,
    options?: { limit?: number },
  ): Promise<MessageRecord[]>;
  getRequestByReference(tenantId: string, reference: string): Promise<RequestRecord | null>;
  /**
   * The request with this reference only when `contactId` filed it or follows it (same contact = same channel
   * identity within the tenant): what the follow-up shows a citizen. Anyone else gets null, as for an unknown
   * reference.
   */
  getRequestForContact(tenantId: string, reference: string, contactId: string): Promise<RequestRecord | null>;
  listRequestsForContact(tenantId: string, contactId: string, limit: number): Promise<RequestRecord[]>;
  /** Open conversations waiting for an agent (owner 'queue'): what a citizen joining the queue is told. */
  countWaitingConversations(tenantId: string): Promise<number>;
  /** Open requests of a type (and payload category) within radiusM metres of a point. */
  findOpenRequestsNear(query: {
    tenantId: string;
    type: string;
    category?: string;
    point: GeoPoint;
    radiusM: number;
  }): Promise<RequestRecord[]>;
  setContactOptOut(tenantId: string, contactId: string, optedOut: boolean): Promise<void>;

  /** Requests recorded while the address API was down (needsGeocoding), oldest first, every tenant. */
  listRequestsNeedingGeocoding(limit: number): Promise<RequestRecord[]>;
  /**
   * The outcome of a later geocoding: the position when the address was found (and the commune when the
   * request had none), a payload patch (merged at the top level), and a note in the request's history.
   * Clears needsGeocoding; false (nothing written) when another run already did.
   */
  recordGeocoding(update: GeocodingUpdate): Promise<boolean>;
  /**
   * The transcription of a voice message (phone line), kept in its request « Message vocal »'s payload (the
   * request's history shows it from the transcript; the payload keeps it after the transcript's retention).
   * False (nothing written) when there is no such request or it has one already (Twilio retries its callback).
   */
  recordVoiceTranscription(input: { tenantId: string; recordingSid: string; text: string }): Promise<boolean>;
}

export interface GeocodingUpdate {
  tenantId: string;
  requestId: string;
  location?: GeoPoint;
  communeId?: string;
  payloadPatch: Record<string, unknown>;
  note: string;
  actor: string;
}
