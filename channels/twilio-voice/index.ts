// The French phone line through Twilio Voice: TwiML, speech + keypad, transfer to agents.
export {
  VOICE_WEBHOOK_PATH,
  createTwilioVoiceRouter,
  createTwilioVoiceWebhook,
  type TwilioVoiceDeps,
} from './router';
export { VOICE_MESSAGE_REQUEST } from './landing';
export { VoiceWebhookSchema, VoiceQuerySchema, type VoiceWebhook } from './schema';
