// The back office's stores over the shared store's SQL client (same database, same migrations), one per
// domain. A new domain is one file here, one port in backoffice/ports.ts and one line below.
import type { BackofficeStores } from '../../../backoffice/ports';
import type { SqlClient } from '../sql-client';
import { PostgresAuditLog } from './audit';
import { PostgresCallbackStore } from './callbacks';
import { PostgresContactStore } from './contacts';
import { PostgresConversationDirectory } from './conversations';
import { PostgresIndicatorStore } from './indicators';
import { PostgresInterventionPhotoStore } from './intervention-photos';
import { PostgresInterventionStore } from './interventions';
import { PostgresRequestStore } from './requests';
import { PostgresNotificationLog } from './notifications';
import { PostgresSavedReplyStore } from './saved-replies';
import { PostgresTeamStore } from './teams';
import { PostgresSavedFilterStore } from './saved-filters';
import { PostgresTenantDirectory } from './tenants';
import { PostgresTokenStore } from './tokens';
import { PostgresWebhookStore } from './webhooks';

export {
  PostgresAuditLog,
  PostgresCallbackStore,
  PostgresContactStore,
  PostgresConversationDirectory,
  PostgresIndicatorStore,
  PostgresInterventionStore,
  PostgresRequestStore,
  PostgresTeamStore,
  PostgresSavedFilterStore,
  PostgresTenantDirectory,
  PostgresTokenStore,
  PostgresWebhookStore,
};

export function createPostgresBackofficeStores(sql: SqlClient): BackofficeStores {
  return {
    tenants: new PostgresTenantDirectory(sql),
    tokens: new PostgresTokenStore(sql),
    requests: new PostgresRequestStore(sql),
    conversations: new PostgresConversationDirectory(sql),
    contacts: new PostgresContactStore(sql),
    webhooks: new PostgresWebhookStore(sql),
    indicators: new PostgresIndicatorStore(sql),
    audit: new PostgresAuditLog(sql),
    teams: new PostgresTeamStore(sql),
    savedReplies: new PostgresSavedReplyStore(sql),
    notifications: new PostgresNotificationLog(sql),
    callbacks: new PostgresCallbackStore(sql),
    savedFilters: new PostgresSavedFilterStore(sql),
    interventions: new PostgresInterventionStore(sql),
    interventionPhotos: new PostgresInterventionPhotoStore(sql),
  };
}
