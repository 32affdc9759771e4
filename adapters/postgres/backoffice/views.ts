// SELECT lists and row → view mappers of the back-office store. Both drivers return timestamptz as
// Date; jsonb timestamps arrive as strings: `iso` accepts both.
import type {
  ConversationView,
  DeliveryView,
  MessageView,
  RequestEventView,
  RequestView,
  TokenView,
  WebhookView,
} from '../../../backoffice/schemas';

export type Stamp = Date | string | null | undefined;

export const iso = (value: Stamp): string | null =>
  value === null || value === undefined ? null : new Date(value).toISOString();
const isoOr = (value: Stamp): string => iso(value) ?? new Date(0).toISOString();

export const REQUEST_COLUMNS = `r.id, r.reference, r.tenant_id, r.type, r.status, r.authority_id, r.commune_id, r.channel,
  r.contact_id, r.conversation_id, r.payload, r.lat, r.lon, r.location_label, r.address_text,
  r.team_id, r.assigned_agent_id,
  COALESCE((SELECT a.name FROM agents a WHERE a.id = r.assigned_agent_id), r.assigned_to) AS assigned_to,
  r.created_at, r.updated_at, r.resolved_at, r.created_at::text AS cursor_ts,
  r.public_description,
  (SELECT e.note FROM request_events e WHERE e.request_id = r.id AND e.kind = 'status' AND e.note IS NOT NULL
    ORDER BY e.id DESC LIMIT 1) AS status_note,
  (SELECT e.note FROM request_events e WHERE e.request_id = r.id AND e.public AND e.note IS NOT NULL
    ORDER BY e.id DESC LIMIT 1) AS public_note`;

export interface RequestRow {
  id: string;
  reference: string;
  tenant_id: string;
  type: string;
  status: RequestView['status'];
  authority_id: string;
  commune_id: string | null;
  channel: string;
  contact_id: string | null;
  conversation_id: string | null;
  payload: Record<string, unknown> | null;
  lat: number | string | null;
  lon: number | string | null;
  location_label: string | null;
  address_text: string | null;
  team_id: string | null;
  assigned_agent_id: string | null;
  assigned_to: string | null;
  created_at: Stamp;
  updated_at: Stamp;
  resolved_at: Stamp;
  cursor_ts: string;
  status_note?: string | null;
  public_note?: string | null;
  public_description?: string | null;
}

export const toRequestView = (row: RequestRow): RequestView => ({
  id: row.id,
  reference: row.reference,
  tenantId: row.tenant_id,
  type: row.type,
  status: row.status,
  authorityId: row.authority_id,
  communeId: row.commune_id,
  channel: row.channel,
  contactId: row.contact_id,
  conversationId: row.conversation_id,
  payload: row.payload ?? {},
  location:
    row.lat !== null && row.lon !== null
      ? { lat: Number(row.lat), lon: Number(row.lon), label: row.location_label }
      : null,
  addressText: row.address_text,
  teamId: row.team_id,
  assignedAgentId: row.assigned_agent_id,
  assignedTo: row.assigned_to,
  statusNote: row.status_note ?? null,
  publicNote: row.public_note ?? null,
  publicDescription: row.public_description ?? null,
  createdAt: isoOr(row.created_at),
  updatedAt: isoOr(row.updated_at),
  resolvedAt: iso(row.resolved_at),
});

export interface EventRow {
  kind: RequestEventView['kind'];
  status: RequestEventView['status'];
  note: string | null;
  public: boolean;
  details: Record<string, unknown> | null;
  actor: string;
  created_at: Stamp;
}

/** The columns of an event row, for every query that reads a request's timeline. */
export const EVENT_COLUMNS = 'kind, status, note, public, details, actor, created_at';

export const toEventView = (row: EventRow): RequestEventView => ({
  kind: row.kind,
  status: row.status,
  note: row.note,
  public: row.public,
  details: row.details ?? null,
  actor: row.actor,
  createdAt: isoOr(row.created_at),
});

export const CONVERSATION_COLUMNS = `c.id, c.tenant_id, c.channel, c.address, c.contact_id, c.owner, c.status, c.agent_id,
  c.last_intent, c.nlu_fallbacks, c.handed_over_at, c.first_agent_reply_at, c.created_at, c.updated_at, c.closed_at,
  c.created_at::text AS cursor_ts,
  (SELECT jsonb_build_object('direction', m.direction, 'text', m.text, 'createdAt', m.created_at)
     FROM messages m WHERE m.conversation_id = c.id ORDER BY m.id DESC LIMIT 1) AS last_message`;

export interface ConversationRow {
  id: string;
  tenant_id: string;
  channel: string;
  address: string;
  contact_id: string;
  owner: ConversationView['owner'];
  status: ConversationView['status'];
  agent_id: string | null;
  last_intent: string | null;
  nlu_fallbacks: number | string;
  handed_over_at: Stamp;
  first_agent_reply_at: Stamp;
  created_at: Stamp;
  updated_at: Stamp;
  closed_at: Stamp;
  cursor_ts: string;
  last_message: { direction: 'in' | 'out' | 'agent'; text: string; createdAt: string } | null;
}

export const toConversationView = (row: ConversationRow): ConversationView => ({
  id: row.id,
  tenantId: row.tenant_id,
  channel: row.channel,
  address: row.address,
  contactId: row.contact_id,
  owner: row.owner,
  status: row.status,
  agentId: row.agent_id,
  lastIntent: row.last_intent,
  nluFallbacks: Number(row.nlu_fallbacks),
  handedOverAt: iso(row.handed_over_at),
  firstAgentReplyAt: iso(row.first_agent_reply_at),
  createdAt: isoOr(row.created_at),
  updatedAt: isoOr(row.updated_at),
  closedAt: iso(row.closed_at),
  lastMessage: row.last_message
    ? {
        direction: row.last_message.direction,
        text: row.last_message.text,
        createdAt: isoOr(row.last_message.createdAt),
      }
    : null,
});

export interface MessageRow {
  id: string | number;
  direction: MessageView['direction'];
  text: string;
  payload: unknown;
  intent: string | null;
  agent_id: string | null;
  created_at: Stamp;
}

export const toMessageView = (row: MessageRow): MessageView => ({
  id: String(row.id),
  direction: row.direction,
  text: row.text,
  payload: row.payload ?? null,
  intent: row.intent,
  agentId: row.agent_id,
  createdAt: isoOr(row.created_at),
});

export interface TokenRow {
  id: string;
  token_hash: string;
  name: string | null;
  role: TokenView['role'];
  tenant_id: string | null;
  authority_id: string | null;
  agent_id: string | null;
  created_at: Stamp;
  last_used_at: Stamp;
  expires_at: Stamp;
  revoked_at: Stamp;
}

export const toTokenView = (row: TokenRow): TokenView => ({
  id: row.id,
  name: row.name,
  role: row.role,
  tenantId: row.tenant_id,
  authorityId: row.authority_id,
  agentId: row.agent_id,
  createdAt: isoOr(row.created_at),
  lastUsedAt: iso(row.last_used_at),
  revokedAt: iso(row.revoked_at),
});

export interface WebhookRow {
  id: string;
  tenant_id: string;
  authority_id: string | null;
  url: string;
  events: string[];
  active: boolean;
  failure_count: number | string;
  last_delivery_at: Stamp;
  created_at: Stamp;
}

export const toWebhookView = (row: WebhookRow): WebhookView => ({
  id: row.id,
  tenantId: row.tenant_id,
  authorityId: row.authority_id,
  url: row.url,
  events: row.events as WebhookView['events'],
  active: row.active,
  failureCount: Number(row.failure_count),
  lastDeliveryAt: iso(row.last_delivery_at),
  createdAt: isoOr(row.created_at),
});

export interface DeliveryRow {
  id: string | number;
  payload: { subscriptionId?: unknown; event?: unknown; url?: unknown } | null;
  dedupe_key: string;
  status: DeliveryView['status'];
  attempts: number | string;
  last_error: string | null;
  next_attempt_at: Stamp;
  delivered_at: Stamp;
  created_at: Stamp;
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

export const toDeliveryView = (row: DeliveryRow): DeliveryView => ({
  id: String(row.id),
  subscriptionId: str(row.payload?.subscriptionId),
  event: str(row.payload?.event),
  url: str(row.payload?.url),
  dedupeKey: row.dedupe_key,
  status: row.status,
  attempts: Number(row.attempts),
  lastError: row.last_error,
  nextAttemptAt: row.status === 'pending' ? iso(row.next_attempt_at) : null,
  deliveredAt: iso(row.delivered_at),
  createdAt: isoOr(row.created_at),
});

const CURSOR_TS = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d{1,6})?([+-]\d{2}(:?\d{2})?|Z)?$/;
const CURSOR_ID = /^[0-9a-f-]{36}$/i;

/** Opaque cursors: the last row's exact created_at (text, microseconds kept) and id. */
export function encodeCursor(ts: string, id: string): string {
  return Buffer.from(JSON.stringify([ts, id]), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string | undefined): { ts: string; id: string } | null | 'invalid' {
  if (!cursor) return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      typeof value[0] === 'string' &&
      typeof value[1] === 'string' &&
      CURSOR_TS.test(value[0]) &&
      CURSOR_ID.test(value[1])
    ) {
      return { ts: value[0], id: value[1] };
    }
  } catch {
    // fall through
  }
  return 'invalid';
}
