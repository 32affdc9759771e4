// SMS and WhatsApp through Twilio: one webhook, TwiML answers, REST for late replies.
export {
  SMS_WEBHOOK_PATH,
  createTwilioSmsRouter,
  createTwilioSmsWebhook,
  type TwilioSmsDeps,
} from './router';
export { SmsWebhookSchema, type SmsWebhook } from './schema';
export { keywordOf, optOutCommand, type Keyword } from './opt-out';
