// The French phone line through Twilio Voice: TwiML, speech + keypad, transfer to agents.
export { createTwilioVoiceRouter, type TwilioVoiceDeps } from './router';
export { VOICE_MESSAGE_REQUEST } from './landing';
export { VoiceWebhookSchema, VoiceQuerySchema, type VoiceWebhook } from './schema';
