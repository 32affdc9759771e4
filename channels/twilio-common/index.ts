// Shared by the SMS/WhatsApp and voice channels (channels never import each other).
export * from './ack-then-send';
export * from './notifications';
export * from './sender-limit';
export * from './signature';
export * from './webhook';
