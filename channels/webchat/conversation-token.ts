// Per-conversation capability tokens: the conversation id alone is not enough to read or continue a
// conversation, so guessing an id reveals nothing. Stateless HMAC, compared in constant time.
import { createHmac, randomBytes } from 'node:crypto';
import { sameSecret } from '../../bot/constant-time';

export const newConversationId = (): string => `wc_${randomBytes(18).toString('base64url')}`;
export const CONVERSATION_ID_PATTERN = /^wc_[A-Za-z0-9_-]{16,64}$/;

export function conversationToken(secret: string, tenantId: string, conversationId: string): string {
  return createHmac('sha256', secret).update(`${tenantId}\u0000${conversationId}`).digest('base64url');
}

export function verifyConversationToken(
  secret: string,
  tenantId: string,
  conversationId: string,
  token: string | undefined,
): boolean {
  return token !== undefined && sameSecret(token, conversationToken(secret, tenantId, conversationId));
}

/**
 * The key of a photo uploaded in a conversation: random, and signed for that conversation, so a message may carry
 * only photos uploaded in it (a published photo's key is public, in Open311; it is not another citizen's to send
 * as their own). `<tenant>/<16 random characters><22 of HMAC>`, within MEDIA_KEY_PATTERN.
 */
export function conversationMediaKey(secret: string, tenantId: string, conversationId: string): string {
  const nonce = randomBytes(12).toString('base64url');
  return `${tenantId}/${nonce}${mediaTag(secret, tenantId, conversationId, nonce)}`;
}

export function isConversationMedia(
  secret: string,
  tenantId: string,
  conversationId: string,
  key: string,
): boolean {
  const [tenant, id] = key.split('/');
  if (tenant !== tenantId || id?.length !== 38) return false;
  return sameSecret(id.slice(16), mediaTag(secret, tenantId, conversationId, id.slice(0, 16)));
}

function mediaTag(secret: string, tenantId: string, conversationId: string, nonce: string): string {
  return createHmac('sha256', secret)
    .update(`media\u0000${tenantId}\u0000${conversationId}\u0000${nonce}`)
    .digest('base64url')
    .slice(0, 22);
}
