// The retention job with a fake clock: what is deleted when, what a request keeps for its legal
// follow-up, per-territory periods, idempotence, and the in-server schedule.
import {
  createSharedStore,
  RETENTION_DUE_PREDICATE,
  type PostgresSharedStore,
  type SqlClient,
} from '../../adapters/postgres';
import { ANONYMISED_MARK } from './anonymise';
import type { Channel } from '../../bot/messages';
import { silentLogger } from '../../bot/logger';
import { runRetention, type TenantRetention } from './retention';
import { startRetentionSchedule } from './schedule';
import type { TerritoryProvider } from '../../knowledge/territory';

const DAY = 24 * 3600 * 1000;
const T1: TenantRetention = { tenantId: 'commune-a', transcriptsDays: 183, contactsDays: 365 };
const T2: TenantRetention = { tenantId: 'commune-b', transcriptsDays: 400, contactsDays: 800 };

let store: PostgresSharedStore;
beforeAll(async () => {
  store = createSharedStore({});
  await store.migrate();
  await store.upsertTenants([
    { id: T1.tenantId, name: 'Commune A' },
    { id: T2.tenantId, name: 'Commune B' },
  ]);
}, 60_000);
afterAll(() => store.close());

interface Citizen {
  conversationId: string;
  contactId: string;
  reference?: string;
}

/** A conversation with a transcript, optionally a request of `type` with `payload`, committed as a turn does. */
async function citizen(
  tenantId: string,
  channel: Channel,
  address: string,
  request?: { type: string; payload: Record<string, unknown>; location?: { lat: number; lon: number } },
): Promise<Citizen> {
  const conversation = await store.openConversation({ tenantId, channel, address });
  const reference = request ? await store.reserveReference(new Date()) : undefined;
  await store.commitTurn({
    tenantId,
    conversationId: conversation.id,
    messages: [
      { direction: 'in', text: `Je m'appelle Camille Martin, mon numéro est ${address}` },
      { direction: 'out', text: 'Merci, c’est noté.' },
    ],
    requests:
      request && reference
        ? [
            {
              reference,
              tenantId,
              type: request.type,
              authorityId: 'commune',
              channel,
              contactId: conversation.contactId,
              conversationId: conversation.id,
              payload: request.payload,
              location: request.location,
              addressText: request.location ? '12 rue des Lilas' : undefined,
            },
          ]
        : [],
    outbox: [
      {
        kind: 'conversation.handover',
        payload: { conversationId: conversation.id, summary: 'Camille Martin demande un agent' },
        dedupeKey: `handover:${conversation.id}`,
      },
    ],
  });
  return { conversationId: conversation.id, contactId: conversation.contactId, reference };
}

const q = <R extends object>(sql: string, params: unknown[] = []) =>
  store.sql.query<R>(sql, params).then((r) => r.rows);
const messagesOf = (conversationId: string) =>
  q('SELECT id FROM messages WHERE conversation_id = $1', [conversationId]);
const requestOf = (reference: string) =>
  q<{
    type: string;
    status: string;
    authority_id: string;
    payload: Record<string, unknown>;
    lat: number | null;
    address_text: string | null;
    created_at: Date;
  }>(
    'SELECT type, status, authority_id, payload, lat, address_text, created_at FROM requests WHERE reference = $1',
    [reference],
  ).then((rows) => rows[0]!);

const REPORT = {
  type: 'report_incident',
  payload: {
    category: 'pothole',
    description: 'Trou devant chez Mme Camille Martin, au 12',
    contact: { phone: '+33612345678', email: 'camille@example.fr' },
    photo: { url: 'https://example.fr/p.jpg' },
    address: { text: '12 rue des Lilas', citycode: '25971' },
    geocoding: 'ok',
  },
  location: { lat: 47.1, lon: 6.1 },
};
const SCHOOL = {
  type: 'school_registration',
  payload: {
    child: { firstName: 'Léa', lastName: 'Martin', birthDate: '2021-03-04' },
    level: { id: 'ps', label: 'Petite section', cycle: 'maternelle' },
    address: { text: '3 chemin des Écoliers' },
    parentContact: { phone: '+33611111111' },
    documents: ['Livret de famille'],
  },
  location: { lat: 47.2, lon: 6.2 },
};

describe('retention job', () => {
  let resolvedReporter: Citizen;
  let openReporter: Citizen;
  let schoolParent: Citizen;
  let otherTenant: Citizen;
  let recent: Citizen;
  const realNow = Date.now();

  beforeAll(async () => {
    resolvedReporter = await citizen(T1.tenantId, 'sms', '+33612345678', REPORT);
    openReporter = await citizen(T1.tenantId, 'whatsapp', '+33622222222', REPORT);
    schoolParent = await citizen(T1.tenantId, 'webchat', 'wc_parent_conversation_0001', SCHOOL);
    otherTenant = await citizen(T2.tenantId, 'sms', '+33633333333', REPORT);
    await q(`UPDATE requests SET status = 'resolved' WHERE reference = ANY($1::text[])`, [
      [resolvedReporter.reference, schoolParent.reference],
    ]);
    // One citizen wrote again "recently" in fake time: 300 days from now.
    recent = await citizen(T1.tenantId, 'sms', '+33644444444');
    const later = new Date(realNow + 300 * DAY).toISOString();
    await q('UPDATE messages SET created_at = $2 WHERE conversation_id = $1', [recent.conversationId, later]);
    await q('UPDATE conversations SET updated_at = $2 WHERE id = $1', [recent.conversationId, later]);
    await q(`UPDATE outbox SET created_at = $2 WHERE payload ->> 'conversationId' = $1`, [
      recent.conversationId,
      later,
    ]);
  });

  it('keeps everything before the transcript period is over', async () => {
    const reports = await runRetention({
      sql: store.sql,
      tenants: [T1, T2],
      now: new Date(realNow + 100 * DAY),
    });
    expect(reports.every((r) => r.ran)).toBe(true);
    expect(reports.map((r) => r.messagesDeleted + r.contactsAnonymised + r.requestsAnonymised)).toEqual([
      0, 0,
    ]);
    expect(await messagesOf(resolvedReporter.conversationId)).toHaveLength(2);
  });

  it('pauses after each territory as long as its work took, and stops at the pause when the server stops', async () => {
    const pauses: number[] = [];
    const reports = await runRetention({
      sql: store.sql,
      tenants: [T1, T2],
      now: new Date(realNow + 100 * DAY),
      pause: async (ms) => pauses.push(ms),
    });
    expect(reports.map((r) => r.tenantId)).toEqual([T1.tenantId, T2.tenantId]);
    expect(pauses).toHaveLength(2);
    expect(pauses.every((ms) => ms > 0)).toBe(true); // each territory's own work: statements were sent

    // The server stopping during the first pause: the second territory waits for the next run.
    const stopping = new AbortController();
    const stopped = await runRetention({
      sql: store.sql,
      tenants: [T1, T2],
      now: new Date(realNow + 100 * DAY),
      signal: stopping.signal,
      pause: async () => stopping.abort(),
    });
    expect(stopped.map((r) => r.tenantId)).toEqual([T1.tenantId]);

    // Unpaced (an operator's one-off run): no pause at all.
    const none: number[] = [];
    await runRetention({
      sql: store.sql,
      tenants: [T1, T2],
      now: new Date(realNow + 100 * DAY),
      paced: false,
      pause: async (ms) => none.push(ms),
    });
    expect(none).toEqual([]);
  });

  it('deletes transcripts (and quotes in the outbox) after transcriptsDays, per territory, and nothing else', async () => {
    const [a, b] = await runRetention({
      sql: store.sql,
      tenants: [T1, T2],
      now: new Date(realNow + 200 * DAY),
    });
    expect(a).toMatchObject({
      messagesDeleted: 6,
      outboxDeleted: 3,
      contactsAnonymised: 0,
      requestsAnonymised: 0,
    });
    expect(await messagesOf(resolvedReporter.conversationId)).toHaveLength(0);
    expect(await messagesOf(recent.conversationId)).toHaveLength(2); // written "later"
    // Commune B keeps transcripts 400 days.
    expect(b).toMatchObject({ messagesDeleted: 0, outboxDeleted: 0 });
    expect(await messagesOf(otherTenant.conversationId)).toHaveLength(2);
    const summaries = await q<{ payload: { summary?: string } }>(
      `SELECT payload FROM outbox WHERE tenant_id = $1 AND kind = 'conversation.handover'`,
      [T1.tenantId],
    );
    expect(summaries.map((s) => s.payload.summary)).toEqual(['Camille Martin demande un agent']); // the recent one only
    // Requests are untouched by the transcript period.
    expect((await requestOf(resolvedReporter.reference!)).payload.description).toMatch(/Camille Martin/);
  });

  it('anonymises inactive contacts without an open request after contactsDays; requests keep their legal core', async () => {
    const [a] = await runRetention({ sql: store.sql, tenants: [T1], now: new Date(realNow + 400 * DAY) });
    expect(a).toMatchObject({ contactsAnonymised: 2, requestsAnonymised: 2 });

    // The phone number and the web chat session are gone from identities and conversations.
    const identities = await q<{ address: string }>(
      'SELECT address FROM contact_identities WHERE tenant_id = $1 ORDER BY address',
      [T1.tenantId],
    );
    expect(identities.map((i) => i.address)).toEqual(['+33622222222', '+33644444444']);
    const conversation = (
      await q<{ address: string; status: string }>(
        'SELECT address, status FROM conversations WHERE id = $1',
        [resolvedReporter.conversationId],
      )
    )[0]!;
    expect(conversation).toEqual({ address: `purged:${resolvedReporter.conversationId}`, status: 'closed' });
    const contact = (
      await q<{ erased_at: Date | null }>('SELECT erased_at FROM contacts WHERE id = $1', [
        resolvedReporter.contactId,
      ])
    )[0]!;
    expect(contact.erased_at).not.toBeNull();

    // The incident keeps type, status, authority, dates and place; loses description, photo and contact.
    const report = await requestOf(resolvedReporter.reference!);
    expect(report).toMatchObject({
      type: 'report_incident',
      status: 'resolved',
      authority_id: 'commune',
      lat: 47.1,
      address_text: '12 rue des Lilas',
    });
    expect(report.payload).toEqual({
      category: 'pothole',
      address: { text: '12 rue des Lilas', citycode: '25971' },
      geocoding: 'ok',
      anonymised: true,
    });
    expect(JSON.stringify(report.payload)).not.toMatch(/Camille|33612345678|example\.fr/);

    // A school registration is a child's home: names, birth date and location go, the level stays.
    const school = await requestOf(schoolParent.reference!);
    expect(school.lat).toBeNull();
    expect(school.address_text).toBeNull();
    expect(school.payload).toEqual({
      level: { id: 'ps', label: 'Petite section', cycle: 'maternelle' },
      documents: ['Livret de famille'],
      anonymised: true,
    });

    // An open request keeps its contact and its payload: the follow-up is not over.
    const open = await requestOf(openReporter.reference!);
    expect(open.payload.contact).toEqual(REPORT.payload.contact);
    // The other territory's periods are its own.
    expect((await q('SELECT 1 FROM contact_identities WHERE tenant_id = $1', [T2.tenantId])).length).toBe(1);
  });

  it('is idempotent: a second run changes nothing', async () => {
    const [a] = await runRetention({ sql: store.sql, tenants: [T1], now: new Date(realNow + 400 * DAY) });
    expect(a).toMatchObject({
      ran: true,
      messagesDeleted: 0,
      outboxDeleted: 0,
      contactsAnonymised: 0,
      identitiesDeleted: 0,
      requestsAnonymised: 0,
    });
  });

  it('gives a purged number a fresh start: the next message opens a new contact, unlinked to the old one', async () => {
    const again = await store.openConversation({
      tenantId: T1.tenantId,
      channel: 'sms',
      address: '+33612345678',
    });
    expect(again.id).not.toBe(resolvedReporter.conversationId);
    expect(again.contactId).not.toBe(resolvedReporter.contactId);
  });
});

describe('retention schedule', () => {
  it('runs on its timer with the injected clock, and stop() waits for the run in progress', async () => {
    const territories = {
      current: () => ({
        summaries: () => [
          {
            id: T2.tenantId,
            retention: { transcriptsDays: T2.transcriptsDays, contactsDays: T2.contactsDays },
          },
        ],
      }),
    } as unknown as TerritoryProvider;
    const seen: Date[] = [];
    const clock = () => {
      const d = new Date(Date.now() + 500 * DAY);
      seen.push(d);
      return d;
    };
    const schedule = startRetentionSchedule({
      sql: store.sql,
      territories,
      logger: silentLogger,
      intervalMs: 60_000,
      firstRunMs: 10,
      clock,
    });
    for (let i = 0; i < 200 && seen.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    await schedule.stop();
    expect(seen.length).toBeGreaterThanOrEqual(1);
    // 500 days > commune B's 400-day transcript period: its transcript is gone now.
    expect((await q('SELECT 1 FROM messages WHERE tenant_id = $1', [T2.tenantId])).length).toBe(0);
    expect(await schedule.runOnce()).toEqual([
      expect.objectContaining({ tenantId: T2.tenantId, ran: true, messagesDeleted: 0 }),
    ]);
  });

  it('a stop during the job (SIGTERM) ends it after the territory in progress', async () => {
    const stopping = new AbortController();
    const tenants = [T2, T2, T2].map((t) => ({ ...t }));
    let started = 0;
    const reports = await runRetention({
      sql: Object.assign(Object.create(store.sql) as SqlClient, {
        transaction: (work: Parameters<SqlClient['transaction']>[0]) => {
          started += 1;
          stopping.abort(); // the server is told to stop while the first territory runs
          return store.sql.transaction(work);
        },
      }),
      tenants,
      now: new Date(Date.now() + 500 * DAY),
      signal: stopping.signal,
    });
    expect(started).toBe(1);
    expect(reports).toEqual([expect.objectContaining({ tenantId: T2.tenantId, ran: true })]);
  });
});

// The index of the requests still to anonymise (migration 0032) is only read when the job's query carries its
// exact predicate: a changed mark would make every hourly run read every closed request again.
it('selects the requests due through the partial index predicate written with the mark it sets', () => {
  expect(RETENTION_DUE_PREDICATE).toContain(`payload ? '${ANONYMISED_MARK}'`);
});
