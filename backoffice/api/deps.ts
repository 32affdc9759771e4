// What the API handlers need, given by createBackoffice.
import type { Logger } from '../../bot/logger';
import type { EventBus } from '../../bot/ports';
import type { RecordedRequestType } from '../../bot/intent-module';
import type { TerritoryProvider } from '../../knowledge/territory';
import type { AgentDirectory } from '../auth/ports';
import type { SessionManager } from '../auth/sessions';
import type { BackofficeStore, ConversationMemory, SavedFilterStore } from '../ports';

export interface ApiDeps {
  store: BackofficeStore;
  /** The requests list's saved filters (backoffice/api/queue.ts). */
  savedFilters: SavedFilterStore;
  bus: EventBus;
  /** The engine's memory of conversations (dialogue state), read and forgotten through it. */
  conversations: ConversationMemory;
  territories: TerritoryProvider;
  /** The request types the public services record, with their labels (the vocabulary). */
  requestTypes: readonly RecordedRequestType[];
  logger: Logger;
  clock: () => Date;
  /** Console sessions (people signed in with a cookie); absent, only bearer tokens are accepted. */
  sessions?: SessionManager;
  /** Agents invited by administrators (embedded sign-in); absent, /agents is not served. */
  agentDirectory?: AgentDirectory;
  /** PUBLIC_URL, for the invitation links. */
  publicUrl?: string;
}
