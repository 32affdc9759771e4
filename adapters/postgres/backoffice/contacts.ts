// ContactStore over SQL: a citizen's record, its RGPD export and its erasure (one transaction).
import type {
  ContactStore,
  ForgottenConversation,
  PayloadAnonymiser,
  Scope,
} from '../../../backoffice/ports';
import type { ContactExport, ContactView, ErasureResult } from '../../../backoffice/schemas';
import { mediaKeysIn } from '../../../bot/ports';
import { photosShownByNoRequest, queueMediaDeletions } from '../media-deletions';
import type { SqlClient, SqlExecutor } from '../sql-client';
import { auditInsert, guarded, params, scopeWhere, UUID, whereSql } from './sql';
import {
  CONVERSATION_COLUMNS,
  REQUEST_COLUMNS,
  iso,
  toConversationView,
  toEventView,
  toMessageView,
  toRequestView,
  type ConversationRow,
  type EventRow,
  type MessageRow,
  type RequestRow,
  type Stamp,
} from './views';

export class PostgresContactStore implements ContactStore {
  constructor(private readonly sql: SqlClient) {}

  getContact(scope: Scope, id: string): Promise<ContactView | null> {
    if (!UUID.test(id)) return Promise.resolve(null);
    return guarded('getContact', async () => {
      const contact = await this.contactRow(this.sql, scope, id);
      if (!contact) return null;
      const [identities, conversations, requests] = await Promise.all([
        this.identities(this.sql, id),
        this.sql.query<ConversationRow>(
          `SELECT ${CONVERSATION_COLUMNS} FROM conversations c WHERE c.contact_id = $1 AND c.tenant_id = $2 ORDER BY c.created_at DESC`,
          [id, contact.tenant_id],
        ),
        // Own and followed requests: two index lookups (an OR between them read every request of the tenant).
        this.sql.query<RequestRow>(
          `SELECT ${REQUEST_COLUMNS} FROM requests r
           WHERE r.tenant_id = $2 AND r.id IN (
             SELECT o.id FROM requests o WHERE o.tenant_id = $2 AND o.contact_id = $1
             UNION SELECT f.request_id FROM request_followers f WHERE f.contact_id = $1)
           ORDER BY r.created_at DESC`,
          [id, contact.tenant_id],
        ),
      ]);
      return {
        ...contactView(contact),
        identities,
        conversations: conversations.rows.map(toConversationView),
        requests: requests.rows.map(toRequestView),
      };
    });
  }

  exportContact(scope: Scope, id: string): Promise<ContactExport | null> {
    if (!UUID.test(id)) return Promise.resolve(null);
    return guarded('exportContact', async () => {
      const contact = await this.contactRow(this.sql, scope, id);
      if (!contact) return null;
      const identities = await this.identities(this.sql, id);
      const conversations = await this.sql.query<ConversationRow>(
        `SELECT ${CONVERSATION_COLUMNS} FROM conversations c WHERE c.contact_id = $1 AND c.tenant_id = $2 ORDER BY c.created_at`,
        [id, contact.tenant_id],
      );
      const messages = await this.sql.query<MessageRow & { conversation_id: string }>(
        `SELECT m.conversation_id, m.id, m.direction, m.text, m.payload, m.intent, m.agent_id, m.created_at
         FROM messages m JOIN conversations c ON c.id = m.conversation_id
         WHERE c.contact_id = $1 AND c.tenant_id = $2 ORDER BY m.id`,
        [id, contact.tenant_id],
      );
      const requests = await this.sql.query<RequestRow>(
        `SELECT ${REQUEST_COLUMNS} FROM requests r WHERE r.contact_id = $1 AND r.tenant_id = $2 ORDER BY r.created_at`,
        [id, contact.tenant_id],
      );
      const events = await this.sql.query<EventRow & { request_id: string }>(
        `SELECT e.request_id, e.kind, e.status, e.note, e.public, e.details, e.actor, e.created_at FROM request_events e
         JOIN requests r ON r.id = e.request_id WHERE r.contact_id = $1 AND r.tenant_id = $2 ORDER BY e.id`,
        [id, contact.tenant_id],
      );
      return {
        exportedAt: new Date().toISOString(),
        contact: { ...contactView(contact), identities },
        conversations: conversations.rows.map((c) => ({
          ...toConversationView(c),
          messages: messages.rows.filter((m) => m.conversation_id === c.id).map(toMessageView),
        })),
        requests: requests.rows.map((r) => ({
          ...toRequestView(r),
          events: events.rows.filter((e) => e.request_id === r.id).map(toEventView),
        })),
      };
    });
  }

  eraseContact(
    scope: Scope,
    id: string,
    actor: string,
    anonymise: PayloadAnonymiser,
  ): Promise<(ErasureResult & { forget: ForgottenConversation[]; media: string[] }) | null> {
    if (!UUID.test(id)) return Promise.resolve(null);
    return guarded('eraseContact', () =>
      this.sql.transaction(async (tx) => {
        const contact = await this.contactRow(tx, scope, id, true);
        if (!contact) return null;
        const tenantId = contact.tenant_id;
        const conversations = await tx.query<{ id: string; channel: string; address: string }>(
          'SELECT id, channel, address FROM conversations WHERE contact_id = $1 AND tenant_id = $2',
          [id, tenantId],
        );
        const conversationIds = conversations.rows.map((c) => c.id);
        const addresses = (
          await tx.query<{ address: string }>(
            'SELECT address FROM contact_identities WHERE contact_id = $1',
            [id],
          )
        ).rows.map((r) => r.address);
        // The photos the person sent (in their messages and requests) go with them: read before the rows change.
        const messagePayloads = await tx.query<{ payload: unknown }>(
          'SELECT payload FROM messages WHERE conversation_id = ANY($1::uuid[]) AND payload IS NOT NULL',
          [conversationIds],
        );
        const messages = await tx.query('DELETE FROM messages WHERE conversation_id = ANY($1::uuid[])', [
          conversationIds,
        ]);
        // A satisfaction score stays (statistics); the citizen's own words go with their transcript.
        await tx.query(
          `UPDATE satisfaction_answers SET comment = NULL
           WHERE comment IS NOT NULL AND (conversation_id = ANY($1::uuid[])
             OR request_id IN (SELECT id FROM requests WHERE contact_id = $2))`,
          [conversationIds, id],
        );
        const identities = await tx.query('DELETE FROM contact_identities WHERE contact_id = $1', [id]);
        // The conversation rows stay (statistics) without the phone number or session id.
        await tx.query(
          `UPDATE conversations SET address = 'erased:' || id::text, status = 'closed', owner = 'bot', agent_id = NULL,
             closed_at = COALESCE(closed_at, now()), last_intent = NULL, updated_at = now()
           WHERE id = ANY($1::uuid[])`,
          [conversationIds],
        );
        const requests = await tx.query<{
          id: string;
          type: string;
          payload: Record<string, unknown> | null;
        }>('SELECT id, type, payload FROM requests WHERE contact_id = $1 AND tenant_id = $2 FOR UPDATE', [
          id,
          tenantId,
        ]);
        const rewritten = requests.rows.map((r) => {
          const result = anonymise({ type: r.type, payload: r.payload ?? {} });
          return { id: r.id, payload: result.payload, keep_location: result.keepLocation };
        });
        if (rewritten.length > 0) {
          await tx.query(
            `UPDATE requests r SET payload = x.payload, updated_at = now(), public_description = NULL,
               address_text = CASE WHEN x.keep_location THEN r.address_text END,
               lat = CASE WHEN x.keep_location THEN r.lat END,
               lon = CASE WHEN x.keep_location THEN r.lon END,
               location_label = CASE WHEN x.keep_location THEN r.location_label END
             FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, payload jsonb, keep_location boolean)
             WHERE r.id = x.id`,
            [JSON.stringify(rewritten)],
          );
        }
        const requestIds = rewritten.map((r) => r.id);
        // Their requests' photos, and those of their messages no other request shows (theirs are rewritten by now).
        const media = mediaKeysIn(
          requests.rows.map((r) => r.payload),
          new Set(await photosShownByNoRequest(tx, tenantId, mediaKeysIn(messagePayloads.rows))),
        );
        // The bytes are deleted after the commit; queued now, they are deleted even if the media store fails then.
        await queueMediaDeletions(tx, tenantId, media);
        // A published photo goes too: it may show the person, and the request it illustrated no longer names them.
        await tx.query(
          'DELETE FROM media_publications WHERE request_id = ANY($1::uuid[]) OR media_key = ANY($2::text[])',
          [requestIds, media],
        );
        // What agents wrote about these requests (status notes, internal notes, replies, transfer reasons) may
        // name the person: the events stay (the request's history, statistics), their text goes.
        await tx.query(
          `UPDATE request_events SET note = NULL,
             details = CASE WHEN kind IN ('reply', 'note') THEN NULL
               WHEN kind = 'transfer' THEN details - 'reason' ELSE details END
           WHERE request_id = ANY($1::uuid[]) AND (note IS NOT NULL OR kind IN ('reply', 'note', 'transfer'))`,
          [requestIds],
        );
        await tx.query('DELETE FROM request_followers WHERE contact_id = $1', [id]);
        // Queued messages to this person must not leave any more; the ones already sent keep no text nor address.
        await tx.query(
          `DELETE FROM outbox WHERE tenant_id = $1 AND status = 'pending' AND kind = 'notification'
             AND (payload ->> 'to' = ANY($2::text[]) OR payload ->> 'conversationId' = ANY($3::text[])
               OR payload ->> 'requestId' = ANY($4::text[]))`,
          [tenantId, addresses, conversationIds, requestIds],
        );
        await tx.query(
          `UPDATE outbox SET payload = jsonb_build_object('erased', true, 'channel', payload -> 'channel'),
             last_error = CASE WHEN last_error IS NULL THEN NULL ELSE 'erased' END
           WHERE tenant_id = $1 AND kind = 'notification'
             AND (payload ->> 'to' = ANY($2::text[]) OR payload ->> 'conversationId' = ANY($3::text[])
               OR payload ->> 'requestId' = ANY($4::text[]))`,
          [tenantId, addresses, conversationIds, requestIds],
        );
        // Status-change and transfer events (and the webhook bodies made of them) carry the agent's note or reason.
        await tx.query(
          `UPDATE outbox SET payload = payload - 'note' - 'reason'
           WHERE tenant_id = $1 AND kind IN ('request.status_changed', 'request.transferred')
             AND payload ->> 'requestId' = ANY($2::text[])`,
          [tenantId, requestIds],
        );
        await tx.query(
          `UPDATE outbox SET payload = jsonb_set(payload, '{body}', to_jsonb('{"erased":true}'::text))
           WHERE tenant_id = $1 AND kind = 'webhook' AND payload ->> 'requestId' = ANY($2::text[])`,
          [tenantId, requestIds],
        );
        // Handover summaries (and the webhook bodies carrying them) quote the citizen.
        await tx.query(
          `UPDATE outbox SET payload = jsonb_set(payload, '{summary}', '{"erased": true}'::jsonb)
           WHERE tenant_id = $1 AND kind = 'conversation.handover' AND payload ->> 'conversationId' = ANY($2::text[])`,
          [tenantId, conversationIds],
        );
        await tx.query(
          `UPDATE outbox SET payload = jsonb_set(payload, '{body}', to_jsonb('{"erased":true}'::text))
           WHERE tenant_id = $1 AND kind = 'webhook' AND payload ->> 'conversationId' = ANY($2::text[])`,
          [tenantId, conversationIds],
        );
        const erased = await tx.query<{ erased_at: Stamp }>(
          `UPDATE contacts SET display_name = NULL, locale = NULL, erased_at = now(), updated_at = now() WHERE id = $1 RETURNING erased_at`,
          [id],
        );
        await auditInsert(tx, {
          tenantId,
          actor,
          action: 'contact.erase',
          targetType: 'contact',
          targetId: id,
          details: { conversations: conversationIds.length, requests: rewritten.length },
        });
        return {
          contactId: id,
          erasedAt: iso(erased.rows[0]?.erased_at) ?? new Date().toISOString(),
          messagesDeleted: messages.rowCount,
          identitiesDeleted: identities.rowCount,
          requestsAnonymised: rewritten.length,
          conversations: conversationIds,
          media,
          // Read before the rows were anonymised: the conversation memory (state, locks, recorded answers) is
          // keyed by them, and the caller must forget it too.
          forget: conversations.rows.map((c) => ({
            tenantId,
            channel: c.channel,
            address: c.address,
            conversationId: c.id,
          })),
        };
      }),
    );
  }

  private async contactRow(
    db: SqlExecutor,
    scope: Scope,
    id: string,
    lock = false,
  ): Promise<ContactRow | null> {
    const { values, p } = params();
    const where = [`k.id = ${p(id)}`, ...scopeWhere(scope, p, 'k', false)];
    const result = await db.query<ContactRow>(
      `SELECT k.* FROM contacts k ${whereSql(where)}${lock ? ' FOR UPDATE' : ''}`,
      values,
    );
    return result.rows[0] ?? null;
  }

  private async identities(db: SqlExecutor, contactId: string): Promise<ContactView['identities']> {
    const result = await db.query<{ channel: string; address: string; created_at: Stamp }>(
      'SELECT channel, address, created_at FROM contact_identities WHERE contact_id = $1 ORDER BY created_at',
      [contactId],
    );
    return result.rows.map((r) => ({
      channel: r.channel,
      address: r.address,
      createdAt: iso(r.created_at) ?? '',
    }));
  }
}

interface ContactRow {
  id: string;
  tenant_id: string;
  display_name: string | null;
  locale: string | null;
  opted_out: boolean;
  created_at: Stamp;
  erased_at: Stamp;
}

const contactView = (row: ContactRow) => ({
  id: row.id,
  tenantId: row.tenant_id,
  displayName: row.display_name,
  locale: row.locale,
  optedOut: row.opted_out,
  createdAt: iso(row.created_at) ?? '',
  erasedAt: iso(row.erased_at),
});
