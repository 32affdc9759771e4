// Outbound webhooks. An event row ('request.created', 'request.status_changed', 'request.transferred',
// 'conversation.handover'…) fans out into one 'webhook' row per matching subscription (idempotent: dedupe key
// per subscription and event), each then POSTed by the relay, signed, and retried with backoff until a 2xx.
// Headers: X-Guichet-Event, X-Guichet-Delivery (idempotency key, the same on every retry),
// X-Guichet-Timestamp (unix seconds), X-Guichet-Signature: sha256=hex(HMAC-SHA256(secret, `${timestamp}.${body}`)).
import { postPinned } from './pinned-post';
import { NO_EXCEPTIONS, vetWebhookUrl, type Resolver, type WebhookAddressPolicy } from './webhook-address';
import { createHmac } from 'node:crypto';
import { sameSecret } from '../../bot/constant-time';
import { sameTickGroup, type SqlClient } from '../postgres';
import { PermanentDeliveryError, type OutboxHandler } from './relay';

export const SIGNATURE_HEADER = 'x-guichet-signature';
export const TIMESTAMP_HEADER = 'x-guichet-timestamp';
export const DELIVERY_HEADER = 'x-guichet-delivery';
export const EVENT_HEADER = 'x-guichet-event';

export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex')}`;
}

/** For receivers (and tests): constant-time check of a delivery's signature, with a freshness window. */
export function verifyWebhookSignature(
  secret: string,
  headers: { signature?: string; timestamp?: string },
  rawBody: string,
  options: { toleranceSeconds?: number; now?: Date } = {},
): boolean {
  const { signature, timestamp } = headers;
  if (!signature || !timestamp || !/^\d{1,12}$/.test(timestamp)) return false;
  const age = Math.abs((options.now ?? new Date()).getTime() / 1000 - Number(timestamp));
  if (age > (options.toleranceSeconds ?? 300)) return false;
  return sameSecret(signature, signWebhook(secret, timestamp, rawBody));
}

/**
 * An event row → one 'webhook' row per active subscription of its tenant (and authority) to that event. A
 * transfer concerns two authorities: `previousAuthorityId` reaches the one that gave the request away too. The
 * events a relay batch hands over together are fanned out by one statement (see sameTickGroup): every request
 * created is such an event, and one statement each was a round trip per report even with no subscription.
 */
export function createWebhookFanOut(sql: SqlClient, clock: () => Date = () => new Date()): OutboxHandler {
  const fanOut = sameTickGroup<FanOutEvent>(async (events) => {
    await sql.query(FAN_OUT_SQL, [JSON.stringify(events)], { prepared: true });
  });
  return (row) => {
    const authorityIds = [row.payload.authorityId, row.payload.previousAuthorityId].filter(
      (a): a is string => typeof a === 'string',
    );
    const body = JSON.stringify({
      id: row.dedupeKey,
      event: row.kind,
      tenantId: row.tenantId,
      occurredAt: clock().toISOString(),
      data: row.payload,
    });
    return fanOut({
      tenant_id: row.tenantId,
      kind: row.kind,
      conversation_id: typeof row.payload.conversationId === 'string' ? row.payload.conversationId : null,
      // Kept beside the body so that erasing a contact finds the deliveries about their requests.
      request_id: typeof row.payload.requestId === 'string' ? row.payload.requestId : null,
      body,
      dedupe_key: row.dedupeKey,
      authority_ids: authorityIds,
    });
  };
}

/** One event row to fan out, as a JSON row of FAN_OUT_SQL. */
interface FanOutEvent {
  tenant_id: string;
  kind: string;
  conversation_id: string | null;
  request_id: string | null;
  body: string;
  dedupe_key: string;
  authority_ids: string[];
}

const FAN_OUT_SQL = `INSERT INTO outbox (tenant_id, kind, payload, dedupe_key)
SELECT e.tenant_id, 'webhook',
  jsonb_build_object('subscriptionId', w.id::text, 'event', e.kind, 'url', w.url, 'conversationId', e.conversation_id,
    'requestId', e.request_id, 'body', e.body),
  'webhook:' || w.id::text || ':' || e.dedupe_key
FROM jsonb_to_recordset($1::jsonb) AS e(tenant_id text, kind text, conversation_id text, request_id text,
  body text, dedupe_key text, authority_ids text[])
JOIN webhook_subscriptions w ON w.tenant_id = e.tenant_id AND w.active AND e.kind = ANY(w.events)
  AND (w.authority_id IS NULL OR w.authority_id = ANY(e.authority_ids))
ON CONFLICT (dedupe_key) DO NOTHING`;

export interface WebhookSenderOptions {
  /** Per-attempt timeout (default 10 s). */
  timeoutMs?: number;
  clock?: () => Date;
  /** Which private addresses may be delivered to (WEBHOOK_ALLOWED_HOSTS); none by default. */
  addressPolicy?: WebhookAddressPolicy;
  /** DNS resolution (tests inject one). */
  resolve?: Resolver;
}

/** A 'webhook' row → one signed POST. 2xx: delivered; 410 Gone: permanent; anything else: retried. */
export function createWebhookSender(sql: SqlClient, options: WebhookSenderOptions = {}): OutboxHandler {
  const policy = options.addressPolicy ?? NO_EXCEPTIONS;
  return async (row) => {
    const subscriptionId = typeof row.payload.subscriptionId === 'string' ? row.payload.subscriptionId : '';
    const event = typeof row.payload.event === 'string' ? row.payload.event : '';
    const body = typeof row.payload.body === 'string' ? row.payload.body : '';
    const found = await sql.query<{ url: string; secret: string; active: boolean }>(
      'SELECT url, secret, active FROM webhook_subscriptions WHERE id::text = $1 AND tenant_id = $2',
      [subscriptionId, row.tenantId],
    );
    const subscription = found.rows[0];
    if (!subscription || !subscription.active)
      throw new PermanentDeliveryError('The webhook subscription was removed or disabled');
    const timestamp = String(Math.floor((options.clock?.() ?? new Date()).getTime() / 1000));
    // Checked again at every delivery, after DNS resolution: registration-time checks alone would let a host
    // that later resolves to 127.0.0.1 through.
    const vetted = await vetWebhookUrl(subscription.url, policy, options.resolve);
    if (!vetted.ok) {
      await recordFailure(sql, subscriptionId);
      if (vetted.unresolved) throw new Error(`Webhook unreachable: ${vetted.reason}`);
      throw new PermanentDeliveryError(`Webhook address refused: ${vetted.reason}`);
    }
    let status: number;
    try {
      status = await postPinned(
        subscription.url,
        vetted,
        {
          'content-type': 'application/json',
          'user-agent': 'Guichet-Webhooks/1.0',
          [EVENT_HEADER]: event,
          [DELIVERY_HEADER]: row.dedupeKey,
          [TIMESTAMP_HEADER]: timestamp,
          [SIGNATURE_HEADER]: signWebhook(subscription.secret, timestamp, body),
        },
        body,
        options.timeoutMs ?? 10_000,
      );
    } catch (error) {
      await recordFailure(sql, subscriptionId);
      throw new Error(`Webhook unreachable: ${error instanceof Error ? error.message : String(error)}`, {
        cause: error,
      });
    }
    if (status >= 200 && status < 300) {
      await sql.query(
        'UPDATE webhook_subscriptions SET failure_count = 0, last_delivery_at = now() WHERE id::text = $1',
        [subscriptionId],
      );
      return;
    }
    await recordFailure(sql, subscriptionId);
    if (status === 410) throw new PermanentDeliveryError('The receiver answered 410 Gone');
    throw new Error(`The receiver answered HTTP ${status}`);
  };
}

async function recordFailure(sql: SqlClient, subscriptionId: string): Promise<void> {
  await sql
    .query('UPDATE webhook_subscriptions SET failure_count = failure_count + 1 WHERE id::text = $1', [
      subscriptionId,
    ])
    .catch(() => undefined);
}
