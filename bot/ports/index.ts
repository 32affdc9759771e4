export * from './conversation-state-store';
export * from './coordination';
export * from './shared-store';
