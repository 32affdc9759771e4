// Back office: REST API v1 (+ OpenAPI), Open311 GeoReport v2, agent console, live agent events,
// the outbox handlers it owns (citizen notifications, handover publishing).
export { createBackofficeModule, type BackofficeModule, type BackofficeModuleOptions } from './compose';
export {
  createAgentInbox,
  agentsTopic,
  AgentEventSchema,
  publishAgentEvent,
  type AgentEvent,
} from './events';
export { Authenticator, generateToken, hashToken, type Principal } from './auth';
export { createNotificationDispatcher, type SmsSender } from './notifications';
export { anonymisePayload } from './anonymise';
export type { BackofficeStore, BackofficeStores, Scope } from './ports';
export * from './schemas';
