// Outbox delivery: the relay (claims, dispatches by kind, retries with backoff) and the webhook handlers.
export {
  OutboxRelay,
  PermanentDeliveryError,
  isPermanent,
  retryDelayMs,
  type OutboxHandler,
  type OutboxRelayOptions,
  type OutboxRow,
} from './relay';
export {
  createWebhookFanOut,
  createWebhookSender,
  signWebhook,
  verifyWebhookSignature,
  DELIVERY_HEADER,
  EVENT_HEADER,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  type WebhookSenderOptions,
} from './webhooks';
export {
  NO_EXCEPTIONS,
  parseAllowList,
  vetWebhookUrl,
  type Resolver,
  type WebhookAddressPolicy,
} from './webhook-address';
export { outboxBacklog, type OutboxBacklog } from './backlog';
