// What the back-office contract suites share: one database per run (starting PGlite is slow), every test
// in fresh tenants of its own, and data seeded through the engine's own port (commitTurn), as a turn does.
import { randomUUID } from 'node:crypto';
import type { Channel } from '../../bot/messages';
import type { NewRequest, SharedStore, TurnCommit } from '../../bot/ports';
import type { BackofficeStores, Scope } from '../../backoffice/ports';

export interface BackofficeDatabase {
  shared: SharedStore;
  stores: BackofficeStores;
  /** Raw SQL on the same database: to arrange what no port writes (dates) and check what none reads back. */
  query: (sql: string, params?: unknown[]) => Promise<Record<string, unknown>[]>;
}

/** A getter, valid from the suite's beforeAll on. */
export type Db = () => BackofficeDatabase;

/** Registers the database's set-up and tear-down around the enclosing describe. */
export function backofficeDatabase(
  make: () => Promise<BackofficeDatabase>,
  dispose: () => Promise<void>,
): Db {
  let db: BackofficeDatabase | undefined;
  beforeAll(async () => {
    db = await make();
    await db.shared.migrate();
  }, 60_000);
  afterAll(dispose);
  return () => {
    if (!db) throw new Error('the back-office database is not ready');
    return db;
  };
}

export const everywhere: Scope = { tenantId: null, authorityId: null };
export const tenantScope = (tenantId: string, authorityId: string | null = null): Scope => ({
  tenantId,
  authorityId,
});

export async function newTenant(db: Db): Promise<string> {
  const id = `t-${randomUUID().slice(0, 8)}`;
  await db().shared.upsertTenants([{ id, name: `Commune ${id}` }]);
  return id;
}

export interface SeedRequest extends Partial<Omit<NewRequest, 'tenantId' | 'contactId' | 'conversationId'>> {
  authorityId: string;
}

export interface Seeded {
  conversationId: string;
  contactId: string;
  address: string;
  requests: { id: string; reference: string }[];
}

/** A conversation (citizen message + bot reply) with optional requests, committed as the engine does. */
export async function seed(
  db: Db,
  tenantId: string,
  options: {
    channel?: Channel;
    address?: string;
    messages?: TurnCommit['messages'];
    requests?: SeedRequest[];
    conversation?: TurnCommit['conversation'];
    follows?: string[];
  } = {},
): Promise<Seeded> {
  const { shared, query } = db();
  const channel = options.channel ?? 'sms';
  const address = options.address ?? `+336${randomUUID().replace(/\D/g, '').padEnd(8, '7').slice(0, 8)}`;
  const conversation = await shared.openConversation({ tenantId, channel, address });
  const requests: NewRequest[] = [];
  for (const r of options.requests ?? []) {
    requests.push({
      reference: await shared.reserveReference(new Date()),
      type: 'report_incident',
      channel,
      payload: { category: 'voirie', description: 'Nid-de-poule devant l’école' },
      ...r,
      tenantId,
      contactId: conversation.contactId,
      conversationId: conversation.id,
    });
  }
  await shared.commitTurn({
    tenantId,
    conversationId: conversation.id,
    messages: options.messages ?? [
      { direction: 'in', text: 'Bonjour, un lampadaire est en panne' },
      { direction: 'out', text: 'Merci, c’est noté.' },
    ],
    requests,
    follows: (options.follows ?? []).map((requestId) => ({ requestId, contactId: conversation.contactId })),
    outbox: [],
    conversation: options.conversation,
  });
  const ids = await query('SELECT id, reference FROM requests WHERE conversation_id = $1', [conversation.id]);
  return {
    conversationId: conversation.id,
    contactId: conversation.contactId,
    address,
    requests: requests.map((r) => ({
      reference: r.reference,
      id: String(ids.find((row) => row.reference === r.reference)?.id),
    })),
  };
}

export const count = async (db: Db, sql: string, params: unknown[]): Promise<number> =>
  Number((await db().query(sql, params))[0]?.n ?? -1);
