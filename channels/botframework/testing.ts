// botbuilder's own test tooling, re-exported for the suites in tests/ (botbuilder stays imported from this
// folder only).
export { TestAdapter } from 'botbuilder'; // botbuilder-core's, re-exported by botbuilder
export type { Activity, ConversationReference } from 'botbuilder';
