// Channel-neutral replies → a medium: plain text (CLI, transcripts), SMS/WhatsApp bodies, phone speech.
export * from './plain';
export * from './sms';
export * from './whatsapp';
export * from './voice';
export * from './phone-agents';
