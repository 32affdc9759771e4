// Embedded defaults (single process, no server): conversation state, locks, idempotency claims.
export { MemoryStateStore } from './memory-state-store';
export { MemoryLockManager } from './memory-lock-manager';
export { MemoryIdempotencyStore } from './memory-idempotency-store';
export { MemoryEventBus, MemoryEventHub, type MemoryEventBusOptions } from './memory-event-bus';
