// Web chat: embeddable widget, JSON API, WebSocket pushes.
export { createWebchatChannel, type WebchatChannel, type WebchatChannelDeps } from './channel';
export { createWebchatRouter, type WebchatDeps, type HistoryItem } from './router';
export { publishToConversation, publishTyping } from './push';
export {
  WebchatSockets,
  WEBCHAT_SOCKET_PATH,
  CLOSE as WEBCHAT_CLOSE_CODES,
  type ServerFrame,
} from './socket';
export { webchatTenantsFrom, type WebchatTenant, type WebchatTenants } from './tenants';
export { conversationToken, verifyConversationToken, newConversationId } from './conversation-token';
export { WEBCHAT_MEDIA_ROUTE, photoTooLargeText } from './upload';
