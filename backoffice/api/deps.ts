// What the API handlers need, given by createBackoffice.
import type { Readable } from 'node:stream';
import type { Logger } from '../../bot/logger';
import type { EventBus, MediaStore } from '../../bot/ports';
import type { Resolver, WebhookAddressPolicy } from '../../adapters/outbox';
import type { RecordedRequestType } from '../../bot/intent-module';
import type { TerritoryProvider } from '../../knowledge/territory';
import type { AgentDirectory } from '../auth/ports';
import type { SessionManager } from '../auth/sessions';
import type { DeskIntake } from '../desk/intake';
import type { KnowledgeGapStore } from '../knowledge-gaps/ports';
import type {
  BackofficeStore,
  ConversationMemory,
  TeamStore,
  NotificationLog,
  SavedReplyStore,
  SavedFilterStore,
  InterventionStore,
  InterventionPhotoStore,
  MediaPublications,
} from '../ports';

/** Where recordings are read (adapters/twilio/recordings.ts); errors carry kind 'gone' or 'unavailable'. */
export interface VoiceRecordingSource {
  open(recordingSid: string): Promise<{ contentType: string; length?: number; body: Readable }>;
}

export interface ApiDeps {
  store: BackofficeStore;
  /** The requests list's saved filters (backoffice/api/queue.ts). */
  savedFilters: SavedFilterStore;
  /** Interventions (work orders) on requests (backoffice/api/interventions.ts). */
  interventions: InterventionStore;
  /** The photos field teams take of done interventions. */
  interventionPhotos: InterventionPhotoStore;
  bus: EventBus;
  /** The engine's memory of conversations (dialogue state), read and forgotten through it. */
  conversations: ConversationMemory;
  territories: TerritoryProvider;
  /** The request types the public services record, with their labels (the vocabulary). */
  requestTypes: readonly RecordedRequestType[];
  /** Which webhook receivers may be registered (public addresses, plus WEBHOOK_ALLOWED_HOSTS). */
  webhookAddresses: { policy: WebhookAddressPolicy; resolve?: Resolver };
  logger: Logger;
  clock: () => Date;
  /** Console sessions (people signed in with a cookie); absent, only bearer tokens are accepted. */
  sessions?: SessionManager;
  /** Agents invited by administrators (embedded sign-in); absent, /agents is not served. */
  agentDirectory?: AgentDirectory;
  /** Teams and routing rules; absent, /teams and /routing-rules are not served. */
  teams?: TeamStore;
  /** Saved replies (réponses types) and the notifications sent about a request. */
  savedReplies: SavedReplyStore;
  notifications: NotificationLog;
  /** SMS can be sent (the Twilio notifier is configured): the console may offer an SMS after a call. */
  smsConfigured?: boolean;
  /** Voice messages left on the phone line, read from Twilio; absent (no Twilio account), not served. */
  recordings?: VoiceRecordingSource;
  /** The counter's and the switchboard's intake (the bot's forms on an agent's screen); absent, not served. */
  desk?: DeskIntake;
  /** The questions the bot could not answer (backoffice/api/knowledge-gaps.ts); absent, not served. */
  knowledgeGaps?: KnowledgeGapStore;
  /** Citizens' photos (web chat, MMS/WhatsApp) and which are published; absent, not served. */
  media?: MediaStore;
  mediaPublications?: MediaPublications;
  /** PUBLIC_URL, for the invitation links. */
  publicUrl?: string;
}
