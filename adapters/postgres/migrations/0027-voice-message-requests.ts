// A caller's voice message becomes a request « Message vocal » (channels/twilio-voice/landing.ts). Twilio
// retries its recording callback: the landing checks the transcript first, and this index makes two
// instances answering the same retry at once create one request, not two (the second commit fails and
// Twilio's next retry finds it). The transcription is looked up by the same key.
export const migration0027 = {
  version: 27,
  name: 'voice-message-requests',
  sql: `
CREATE UNIQUE INDEX requests_voice_message_recording ON requests (tenant_id, (payload -> 'voiceMessage' ->> 'recordingSid'))
  WHERE type = 'voice_message';
`,
};
