// Twilio outbound adapter: SMS / WhatsApp over the REST API, with retries, and the outbox handler.
export {
  createTwilioNotifier,
  isRetryableTwilioError,
  TwilioSendError,
  type SentMessage,
  type TwilioNotifier,
  type TwilioNotifierOptions,
} from './notifier';
export {
  notificationHandler,
  NotificationPayloadSchema,
  type NotificationHandler,
  type NotificationPayload,
} from './notification-handler';
export { backoffDelay, withRetry, type RetryOptions } from './retry';
