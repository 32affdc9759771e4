// SMS and WhatsApp through Twilio: one webhook, TwiML answers, REST for late replies.
export { createTwilioSmsRouter, DEFAULT_REPLY_DEADLINE_MS, type TwilioSmsDeps } from './router';
export { SmsWebhookSchema, type SmsWebhook } from './schema';
export { keywordOf, type Keyword } from './opt-out';
