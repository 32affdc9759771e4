// Twilio outbound adapter: SMS / WhatsApp over the REST API, with retries. (What a message looks like, and
// the outbox handler that drives this adapter, belong to the channel: channels/twilio-common/notifications.ts.)
export {
  createTwilioNotifier,
  isRetryableTwilioError,
  TwilioSendError,
  type SentMessage,
  type TwilioNotifier,
  type TwilioNotifierOptions,
} from './notifier';
export { backoffDelay, withRetry, type RetryOptions } from './retry';
export {
  createTwilioRecordings,
  RecordingFetchError,
  type RecordingAudio,
  type TwilioRecordings,
  type TwilioRecordingsOptions,
} from './recordings';
