// The French phone line through Twilio Voice: TwiML, speech + keypad, transfer to agents.
export { createTwilioVoiceRouter, type TwilioVoiceDeps } from './router';
export { VoiceWebhookSchema, VoiceQuerySchema, type VoiceWebhook } from './schema';
