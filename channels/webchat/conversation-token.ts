// Per-conversation capability tokens: the conversation id alone is not enough to read or continue a
// conversation, so guessing an id reveals nothing. Stateless HMAC, compared in constant time.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

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
  if (!token) return false;
  const expected = Buffer.from(conversationToken(secret, tenantId, conversationId));
  const given = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
