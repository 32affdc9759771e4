export * from './conversation-state-store';
export * from './coordination';
export * from './shared-store';
export * from './geocoder';
export * from './event-bus';
export * from './media-store';
export * from './turn-observer';
