// Row shapes as both drivers return them (int8 may come back as a string from pg), and the
// mappers to the port's records. SELECT lists live next to their mapper so they stay in step.
import type { Channel } from '../../bot/messages';
import type {
  ConversationOwner,
  ConversationRecord,
  ConversationStatus,
  MessageRecord,
  RequestEvent,
  RequestRecord,
  RequestStatus,
} from '../../bot/ports';

export const CONVERSATION_COLUMNS =
  'id, tenant_id, channel, address, contact_id, owner, status, agent_id, created_at, updated_at';

export interface ConversationRow {
  id: string;
  tenant_id: string;
  channel: Channel;
  address: string;
  contact_id: string;
  owner: ConversationOwner;
  status: ConversationStatus;
  agent_id: string | null;
  created_at: Date;
  updated_at: Date;
}

export const toConversation = (row: ConversationRow): ConversationRecord => ({
  id: row.id,
  tenantId: row.tenant_id,
  channel: row.channel,
  address: row.address,
  contactId: row.contact_id,
  owner: row.owner,
  status: row.status,
  agentId: row.agent_id,
  createdAt: new Date(row.created_at),
  updatedAt: new Date(row.updated_at),
});

export const MESSAGE_COLUMNS = 'id, direction, text, payload, intent, provider_message_id, created_at';

export interface MessageRow {
  id: string | number;
  direction: MessageRecord['direction'];
  text: string;
  payload: unknown;
  intent: string | null;
  provider_message_id: string | null;
  created_at: Date;
}

export function toMessage(row: MessageRow): MessageRecord {
  const message: MessageRecord = {
    direction: row.direction,
    text: row.text,
    createdAt: new Date(row.created_at),
  };
  if (row.payload !== null && row.payload !== undefined) message.payload = row.payload;
  if (row.intent !== null) message.intent = row.intent;
  if (row.provider_message_id !== null) message.providerMessageId = row.provider_message_id;
  return message;
}

/**
 * Requests with their status history in one query (no N+1): events aggregated per row. Only status changes:
 * internal notes, assignments and the rest of the back office's timeline never reach the dialogue.
 */
export const REQUEST_SELECT = `
SELECT r.id, r.reference, r.tenant_id, r.type, r.status, r.authority_id, r.commune_id, r.channel,
  r.contact_id, r.conversation_id, r.payload, r.lat, r.lon, r.location_label, r.address_text,
  r.needs_geocoding, r.created_at, r.updated_at,
  COALESCE((
    SELECT jsonb_agg(jsonb_build_object('status', e.status, 'note', e.note, 'actor', e.actor,
      'at', floor(extract(epoch FROM e.created_at) * 1000)) ORDER BY e.id)
    FROM request_events e WHERE e.request_id = r.id AND e.kind = 'status'
  ), '[]'::jsonb) AS events
FROM requests r`;

export interface RequestRow {
  id: string;
  reference: string;
  tenant_id: string;
  type: string;
  status: RequestStatus;
  authority_id: string;
  commune_id: string | null;
  channel: Channel;
  contact_id: string | null;
  conversation_id: string | null;
  payload: Record<string, unknown>;
  lat: number | null;
  lon: number | null;
  location_label: string | null;
  address_text: string | null;
  needs_geocoding: boolean;
  created_at: Date;
  updated_at: Date;
  events: { status: RequestStatus; note: string | null; actor: string; at: number | string }[];
}

export function toRequest(row: RequestRow): RequestRecord {
  const record: RequestRecord = {
    id: row.id,
    reference: row.reference,
    tenantId: row.tenant_id,
    type: row.type,
    status: row.status,
    authorityId: row.authority_id,
    channel: row.channel,
    // Requests from the back-office API may have no contact nor conversation.
    contactId: row.contact_id ?? '',
    conversationId: row.conversation_id ?? '',
    payload: row.payload,
    needsGeocoding: row.needs_geocoding,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
    events: row.events.map(toEvent),
  };
  if (row.commune_id !== null) record.communeId = row.commune_id;
  if (row.lat !== null && row.lon !== null) {
    record.location = { lat: Number(row.lat), lon: Number(row.lon) };
    if (row.location_label !== null) record.location.label = row.location_label;
  }
  if (row.address_text !== null) record.addressText = row.address_text;
  return record;
}

function toEvent(event: RequestRow['events'][number]): RequestEvent {
  const result: RequestEvent = {
    status: event.status,
    actor: event.actor,
    createdAt: new Date(Number(event.at)),
  };
  if (event.note !== null) result.note = event.note;
  return result;
}
