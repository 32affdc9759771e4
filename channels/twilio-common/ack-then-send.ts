// Twilio waits 15 s for a webhook answer, then fails (and may retry). A turn normally takes
// milliseconds, but a slow dependency must not cost a retry: past a deadline (bot/turn-answer.ts) we
// answer at once and deliver the replies later through the REST API ("ack then send").
import type { IdempotencyStore } from '../../bot/ports';

/** What a channel needs to deliver late replies; the Twilio REST notifier implements it. */
export interface ReplySender {
  sendSms(to: string, from: string, body: string): Promise<unknown>;
  sendWhatsApp(to: string, from: string, body: string): Promise<unknown>;
  /** A WhatsApp Content API template (a tappable menu); without it, menus are sent as numbered text. */
  sendWhatsAppContent?(
    to: string,
    from: string,
    contentSid: string,
    variables: Record<string, string>,
  ): Promise<unknown>;
}

const LATE_DELIVERY_TTL_S = 24 * 3600;

/**
 * Who delivers the replies of one provider message by REST. Whoever claims first sends; a retry that
 * later finds the claim answers empty instead of sending the same replies a second time by TwiML.
 * (Separate keys from the engine's own idempotency claims.)
 */
export class LateDeliveries {
  constructor(private readonly store: IdempotencyStore) {}

  private key(tenantId: string, channel: string, providerMessageId: string): string {
    return `twilio-late:${tenantId}:${channel}:${providerMessageId}`;
  }

  /** True when this caller must send by REST (first to claim). */
  async claim(tenantId: string, channel: string, providerMessageId: string): Promise<boolean> {
    const key = this.key(tenantId, channel, providerMessageId);
    const claim = await this.store.claim(key, LATE_DELIVERY_TTL_S);
    if (claim.status !== 'claimed') return false;
    await this.store.complete(key, 'rest', LATE_DELIVERY_TTL_S);
    return true;
  }

  /** True when the replies of this message were (or are being) sent by REST. Never leaves a mark. */
  async wasSentByRest(tenantId: string, channel: string, providerMessageId: string): Promise<boolean> {
    const key = this.key(tenantId, channel, providerMessageId);
    const claim = await this.store.claim(key, LATE_DELIVERY_TTL_S);
    if (claim.status === 'claimed') {
      await this.store.abandon(key);
      return false;
    }
    return claim.status === 'done' && claim.result === 'rest';
  }
}
