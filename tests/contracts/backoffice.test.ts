// The back-office stores' contracts, each run on PGlite (embedded) and on a PostgreSQL server.
import { Client } from 'pg';
import { createSharedStore, type PostgresSharedStore } from '../../adapters/postgres';
import { createPostgresBackofficeStores } from '../../adapters/postgres/backoffice';
import { databaseUrl, describeWith, uniqueSuffix } from '../support/services';
import { auditLogContract } from './backoffice-audit.contract';
import { callbackStoreContract } from './backoffice-callbacks.contract';
import { backofficeDatabase, type BackofficeDatabase, type Db } from './backoffice-fixture';
import { contactStoreContract } from './backoffice-contacts.contract';
import { queueContract } from './backoffice-queue.contract';
import { conversationDirectoryContract } from './backoffice-conversations.contract';
import { indicatorStoreContract } from './backoffice-indicators.contract';
import { indicatorLevelsContract } from './backoffice-indicators-levels.contract';
import { interventionStoreContract } from './backoffice-interventions.contract';
import { requestStoreContract } from './backoffice-requests.contract';
import { savedReplyStoreContract } from './backoffice-saved-replies.contract';
import { teamStoreContract } from './backoffice-teams.contract';
import { tenantDirectoryContract } from './backoffice-tenants.contract';
import { tokenStoreContract } from './backoffice-tokens.contract';
import { webhookStoreContract } from './backoffice-webhooks.contract';

function open(shared: PostgresSharedStore): BackofficeDatabase {
  return {
    shared,
    stores: createPostgresBackofficeStores(shared.sql),
    query: async (sql, params = []) => (await shared.sql.query<Record<string, unknown>>(sql, params)).rows,
  };
}

function everyContract(db: Db): void {
  tenantDirectoryContract(db, () => db().stores.tenants);
  tokenStoreContract(db, () => db().stores.tokens);
  requestStoreContract(db, () => db().stores.requests);
  conversationDirectoryContract(db, () => db().stores.conversations);
  contactStoreContract(db, () => db().stores.contacts);
  webhookStoreContract(db, () => db().stores.webhooks);
  indicatorStoreContract(db, () => db().stores.indicators);
  indicatorLevelsContract(db, () => db().stores.indicators);
  auditLogContract(db, () => db().stores.audit);
  savedReplyStoreContract(db, () => db().stores.savedReplies);
  teamStoreContract(
    db,
    () => db().stores.teams,
    () => db().stores.requests,
  );
  callbackStoreContract(db, () => db().stores.callbacks);
  interventionStoreContract(
    db,
    () => db().stores.interventions,
    () => db().stores.teams,
    () => db().stores.requests,
  );
  queueContract(
    db,
    () => db().stores.requests,
    () => db().stores.savedFilters,
  );
}

describe('Back-office stores on PGlite (memory://)', () => {
  let shared: PostgresSharedStore;
  const db = backofficeDatabase(
    async () => {
      shared = createSharedStore({ dataDir: 'memory://', schema: 'guichet_backoffice_contract' });
      return open(shared);
    },
    () => shared.close(),
  );
  everyContract(db);
});

describeWith('postgres', 'Back-office stores on PostgreSQL', () => {
  const schema = `test_bo_${uniqueSuffix()}`;
  let shared: PostgresSharedStore;
  const db = backofficeDatabase(
    async () => {
      shared = createSharedStore({ databaseUrl: databaseUrl(), schema, poolSize: 4 });
      return open(shared);
    },
    async () => {
      await shared.close();
      const admin = new Client({ connectionString: databaseUrl() });
      await admin.connect();
      try {
        await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      } finally {
        await admin.end();
      }
    },
  );
  everyContract(db);
});
