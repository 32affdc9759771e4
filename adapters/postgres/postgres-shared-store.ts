// SharedStore over SQL, one implementation for PGlite and PostgreSQL. Each method is a fixed number
// of statements whatever the size of its input (batches go in as one JSON parameter), and a turn is
// committed in one transaction.
import { newReference } from '../../bot/references';
import { redactPersonalData } from '../../bot/llm/redact';
import { GuichetError } from '../../bot/errors';
import type {
  GeocodingUpdate,
  ConversationRecord,
  MessageRecord,
  RequestRecord,
  SharedStore,
  TenantRecord,
  TurnCommit,
  TurnCommitOutcome,
} from '../../bot/ports';
import type { Channel, GeoPoint } from '../../bot/messages';
import { isUniqueViolation, toGuichetError } from './db-errors';
import { newRowId } from './ids';
import {
  isBatchable,
  isTranscriptOnly,
  messageRows,
  MAX_TRANSCRIPT_BATCH,
  TRANSCRIPT_BATCH_SQL,
  providerIdsOf,
  transcriptBatchParams,
} from './transcript-batch';
import { runMigrations } from './migrate';
import { sameTickBatch, type Waiting } from './same-tick-batch';
import {
  CONVERSATION_COLUMNS,
  MESSAGE_COLUMNS,
  REQUEST_SELECT,
  toConversation,
  toMessage,
  toRequest,
  type ConversationRow,
  type MessageRow,
  type RequestRow,
} from './rows';
import type { QueryResult, SqlClient, SqlExecutor } from './sql-client';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EARTH_RADIUS_M = 6_371_008.8;
const METRES_PER_DEGREE_LAT = 111_000;
const NEAR_LIMIT = 50;
const DEFAULT_MESSAGE_LIMIT = 1000;
/** A knowledge gap keeps the start of a long message: enough to see what was asked. */
const MAX_GAP_CHARS = 300;

export interface PostgresSharedStoreOptions {
  schema: string;
  /** Time zone whose calendar year goes into references (DEM-YYYY-…). */
  timeZone?: string;
  /** Actor recorded on the 'received' event of a request created by a turn. */
  turnActor?: string;
}

/** Raised inside a transaction when a concurrent instance won a race: the caller retries. */
class RaceLost extends Error {}

export class PostgresSharedStore implements SharedStore {
  private readonly yearFormat: Intl.DateTimeFormat;

  constructor(
    /** The SQL client, for back-office queries that are not (yet) in the port. */
    readonly sql: SqlClient,
    private readonly options: PostgresSharedStoreOptions,
  ) {
    this.yearFormat = new Intl.DateTimeFormat('en', {
      timeZone: options.timeZone ?? 'Europe/Paris',
      year: 'numeric',
    });
  }

  migrate(): Promise<void> {
    return this.run('migrate', async () => {
      await runMigrations(this.sql, this.options.schema);
    });
  }

  ping(): Promise<void> {
    return this.run('ping', async () => {
      await this.sql.query('SELECT 1');
    });
  }

  async close(): Promise<void> {
    await this.sql.close();
  }

  upsertTenants(tenants: TenantRecord[]): Promise<void> {
    if (tenants.length === 0) return Promise.resolve();
    return this.run('upsertTenants', async () => {
      await this.sql.query(
        `INSERT INTO tenants (id, name)
         SELECT t.id, t.name FROM jsonb_to_recordset($1::jsonb) AS t(id text, name text)
         ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, updated_at = now()
         WHERE tenants.name IS DISTINCT FROM EXCLUDED.name`,
        [JSON.stringify(tenants.map(({ id, name }) => ({ id, name })))],
      );
    });
  }

  openConversation(input: {
    tenantId: string;
    channel: Channel;
    address: string;
  }): Promise<ConversationRecord> {
    return this.run('openConversation', async () => {
      // Usual case: the conversation exists, one statement. Creation retries if another instance won a race.
      for (let attempt = 0; ; attempt++) {
        const found = await this.selectOpenConversation(input);
        if (found) return found;
        try {
          return await createConversation(this.sql, input);
        } catch (error) {
          if (!(error instanceof RaceLost) || attempt >= 3) throw error;
        }
      }
    });
  }

  findConversation(input: {
    tenantId: string;
    channel: Channel;
    address: string;
  }): Promise<ConversationRecord | null> {
    return this.run('findConversation', () => this.selectOpenConversation(input));
  }

  private async selectOpenConversation(input: {
    tenantId: string;
    channel: Channel;
    address: string;
  }): Promise<ConversationRecord | null> {
    const found = await this.sql.query<ConversationRow>(
      `SELECT ${CONVERSATION_COLUMNS} FROM conversations
       WHERE tenant_id = $1 AND channel = $2 AND address = $3 AND status = 'open'`,
      [input.tenantId, input.channel, input.address],
      { prepared: true },
    );
    return found.rows[0] ? toConversation(found.rows[0]) : null;
  }

  getConversation(tenantId: string, conversationId: string): Promise<ConversationRecord | null> {
    if (!UUID.test(conversationId)) return Promise.resolve(null);
    return this.run('getConversation', async () => {
      const result = await this.sql.query<ConversationRow>(
        `SELECT ${CONVERSATION_COLUMNS} FROM conversations WHERE id = $1 AND tenant_id = $2`,
        [conversationId, tenantId],
      );
      return result.rows[0] ? toConversation(result.rows[0]) : null;
    });
  }

  draftReference(now: Date): string {
    return newReference(this.yearFormat.format(now));
  }

  reserveReference(now: Date): Promise<string> {
    return this.run('reserveReference', async () => {
      // Random references (bot/references.ts): a collision is a one-in-a-billion event, checked anyway.
      for (let attempt = 0; attempt < 5; attempt++) {
        const reference = this.draftReference(now);
        const taken = await this.sql.query('SELECT 1 FROM requests WHERE reference = $1', [reference]);
        if (taken.rows.length === 0) return reference;
      }
      throw new GuichetError('INTERNAL', 'No free request reference after 5 attempts');
    });
  }

  commitTurn(commit: TurnCommit): Promise<TurnCommitOutcome> {
    if (!UUID.test(commit.conversationId)) {
      return Promise.reject(new GuichetError('NOT_FOUND', `No conversation ${commit.conversationId}`));
    }
    if ((commit.follows ?? []).some((f) => !UUID.test(f.requestId) || !UUID.test(f.contactId))) {
      return Promise.reject(new GuichetError('NOT_FOUND', 'A followed request or contact does not exist'));
    }
    const foreign = commit.requests.find((request) => request.tenantId !== commit.tenantId);
    if (foreign) {
      return Promise.reject(
        new GuichetError('BAD_REQUEST', `Request ${foreign.reference} is not of tenant ${commit.tenantId}`),
      );
    }
    if (isBatchable(commit)) return this.batchTranscript(commit);
    return this.commitOne(commit);
  }

  /** One commit, one statement. */
  private commitOne(commit: TurnCommit): Promise<TurnCommitOutcome> {
    return this.run('commitTurn', async () => {
      const { sql, params } = commitTurnStatement(commit, commit.actor ?? this.options.turnActor ?? 'bot');
      // A handful of shapes (with or without requests, follows, outbox…), each prepared once per connection.
      let result: QueryResult<{ conversations: number; replayed: number }>;
      try {
        result = await this.sql.query<{ conversations: number; replayed: number }>(sql, params, {
          prepared: true,
          asyncCommit: isTranscriptOnly(commit),
        });
      } catch (error) {
        // A drawn reference already taken: the statement wrote nothing (see TurnCommit.draftReferences).
        if (commit.draftReferences && isUniqueViolation(error, 'requests_reference_key'))
          return 'reference_taken';
        throw error;
      }
      if (Number(result.rows[0]?.conversations ?? 0) > 0) return 'committed';
      if (Number(result.rows[0]?.replayed ?? 0) > 0) return 'already_committed';
      return this.refusal(commit);
    });
  }

  /** Why a commit wrote nothing (not a replay): from the conversation as it is now, read only by a commit that set a condition. */
  private async refusal(commit: TurnCommit): Promise<TurnCommitOutcome> {
    const { expect, fenceToken } = commit;
    const current =
      expect || fenceToken !== undefined
        ? await this.getConversation(commit.tenantId, commit.conversationId)
        : null;
    if (
      expect &&
      !(current?.status === 'open' && current.owner === expect.owner && current.address === expect.address)
    )
      return 'conversation_changed';
    if (fenceToken !== undefined && current) {
      throw new GuichetError('STALE_STATE', 'A newer turn of this conversation committed (expired lock)');
    }
    throw new GuichetError('NOT_FOUND', `No conversation ${commit.conversationId} in ${commit.tenantId}`);
  }

  /** Transcript commits arriving in the same turn of the event loop, written together (transcript-batch.ts). */
  private readonly batchTranscript = sameTickBatch<TurnCommit, TurnCommitOutcome>((waiting) =>
    this.writeWaiting(waiting),
  );

  /**
   * One commit per conversation in a batch (the statement's answer is by conversation): a second turn of a
   * conversation already in the batch — two in flight at once happen only when a lock expired — waits for it,
   * so that its messages come after and its fence is compared with the first's.
   */
  private async writeWaiting(waiting: Waiting<TurnCommit, TurnCommitOutcome>[]): Promise<void> {
    const first: typeof waiting = [];
    const later: typeof waiting = [];
    const conversations = new Set<string>();
    for (const entry of waiting) {
      if (conversations.has(entry.item.conversationId)) later.push(entry);
      else {
        conversations.add(entry.item.conversationId);
        first.push(entry);
      }
    }
    const batches: (typeof waiting)[] = [];
    for (let i = 0; i < first.length; i += MAX_TRANSCRIPT_BATCH)
      batches.push(first.slice(i, i + MAX_TRANSCRIPT_BATCH));
    await Promise.all(batches.map((batch) => this.writeTranscripts(batch)));
    if (later.length > 0) await this.writeWaiting(later);
  }

  private async writeTranscripts(batch: Waiting<TurnCommit, TurnCommitOutcome>[]): Promise<void> {
    const alone = (entry: (typeof batch)[number]) =>
      this.commitOne(entry.item).then(entry.resolve, entry.reject);
    if (batch.length === 1) return alone(batch[0]!);
    let rows: { k: number; committed: boolean; replayed: boolean }[];
    try {
      rows = (
        await this.sql.query<{ k: number; committed: boolean; replayed: boolean }>(
          TRANSCRIPT_BATCH_SQL,
          transcriptBatchParams(batch.map((entry) => entry.item)),
          { prepared: true, asyncCommit: true },
        )
      ).rows;
    } catch {
      // One statement: nothing was written. Each commit alone then, with its own outcome or error.
      await Promise.all(batch.map(alone));
      return;
    }
    const byCommit = new Map(rows.map((row) => [Number(row.k), row]));
    await Promise.all(
      batch.map((entry, k) => {
        const row = byCommit.get(k);
        if (!row) return alone(entry); // not in the answer (cannot happen): as if alone
        if (row.committed) return entry.resolve('committed');
        if (row.replayed) return entry.resolve('already_committed');
        return this.run('commitTurn', () => this.refusal(entry.item)).then(entry.resolve, entry.reject);
      }),
    );
  }

  committedTurn(
    tenantId: string,
    conversationId: string,
    providerMessageId: string,
  ): Promise<{ replies: MessageRecord[]; latest: boolean } | null> {
    if (!UUID.test(conversationId)) return Promise.resolve(null);
    return this.run('committedTurn', async () => {
      // That inbound message, the conversation's next message not from the bot (if any), and the bot's messages
      // in between (none: a row of nulls from the outer join, so the turn itself is still found).
      const result = await this.sql.query<MessageRow & { next_id: string | null }>(
        `WITH turn AS (
           SELECT id AS turn_id FROM messages
            WHERE conversation_id = $1 AND tenant_id = $2 AND provider_message_id = $3
         ), next_in AS (
           SELECT min(n.id) AS next_id FROM messages n, turn
            WHERE n.conversation_id = $1 AND n.id > turn.turn_id AND n.direction <> 'out'
         )
         SELECT m.*, next_in.next_id FROM turn CROSS JOIN next_in LEFT JOIN LATERAL (
           SELECT ${MESSAGE_COLUMNS} FROM messages
            WHERE conversation_id = $1 AND direction = 'out' AND id > turn.turn_id
              AND (next_in.next_id IS NULL OR id < next_in.next_id)
         ) m ON true
         ORDER BY m.id`,
        [conversationId, tenantId, providerMessageId],
      );
      if (result.rows.length === 0) return null;
      return {
        replies: result.rows.filter((r) => r.id !== null).map(toMessage),
        latest: result.rows[0]!.next_id === null,
      };
    });
  }

  listMessages(
    tenantId: string,
    conversationId: string,
    options?: { limit?: number },
  ): Promise<MessageRecord[]> {
    if (!UUID.test(conversationId)) return Promise.resolve([]);
    const limit = Math.max(1, Math.floor(options?.limit ?? DEFAULT_MESSAGE_LIMIT));
    return this.run('listMessages', async () => {
      // The latest `limit` messages, oldest first (what a transcript or an agent console shows).
      const result = await this.sql.query<MessageRow>(
        `SELECT * FROM (
           SELECT ${MESSAGE_COLUMNS} FROM messages
           WHERE conversation_id = $1 AND tenant_id = $2 ORDER BY id DESC LIMIT $3
         ) latest ORDER BY id`,
        [conversationId, tenantId, limit],
      );
      return result.rows.map(toMessage);
    });
  }

  getRequestByReference(tenantId: string, reference: string): Promise<RequestRecord | null> {
    return this.run('getRequestByReference', async () => {
      const result = await this.sql.query<RequestRow>(
        `${REQUEST_SELECT} WHERE r.tenant_id = $1 AND r.reference = $2`,
        [tenantId, reference.trim().toUpperCase()],
      );
      return result.rows[0] ? toRequest(result.rows[0]) : null;
    });
  }

  getRequestForContact(
    tenantId: string,
    reference: string,
    contactId: string,
  ): Promise<RequestRecord | null> {
    if (!UUID.test(contactId)) return Promise.resolve(null);
    return this.run('getRequestForContact', async () => {
      const result = await this.sql.query<RequestRow>(
        `${REQUEST_SELECT}
         WHERE r.tenant_id = $1 AND r.reference = $2 AND (r.contact_id = $3
           OR r.id IN (SELECT f.request_id FROM request_followers f WHERE f.contact_id = $3))`,
        [tenantId, reference.trim().toUpperCase(), contactId],
        { prepared: true }, // a citizen's question about one reference (see listRequestsForContact)
      );
      return result.rows[0] ? toRequest(result.rows[0]) : null;
    });
  }

  listRequestsForContact(tenantId: string, contactId: string, limit: number): Promise<RequestRecord[]> {
    if (!UUID.test(contactId)) return Promise.resolve([]);
    return this.run('listRequestsForContact', async () => {
      // The contact's own requests and the ones it follows, newest first. Two index lookups joined by a union:
      // with an OR between them the planner walked the tenant's requests from the newest (every request of a
      // platform territory, 90–290 ms, on each citizen's status question).
      const result = await this.sql.query<RequestRow>(
        `${REQUEST_SELECT}
         WHERE r.tenant_id = $1 AND r.id IN (
           SELECT o.id FROM requests o WHERE o.tenant_id = $1 AND o.contact_id = $2
           UNION SELECT f.request_id FROM request_followers f WHERE f.contact_id = $2)
         ORDER BY r.created_at DESC, r.reference DESC LIMIT $3`,
        [tenantId, contactId, Math.max(1, Math.floor(limit))],
        // Every status question of a citizen: parsed and planned once per connection, not each time (it was
        // most of PostgreSQL's time on such a turn; PostgreSQL keeps planning per call if that plans better).
        { prepared: true },
      );
      return result.rows.map(toRequest);
    });
  }

  listRequestsNeedingGeocoding(limit: number): Promise<RequestRecord[]> {
    return this.run('listRequestsNeedingGeocoding', async () => {
      const result = await this.sql.query<RequestRow>(
        `${REQUEST_SELECT} WHERE r.needs_geocoding ORDER BY r.created_at, r.reference LIMIT $1`,
        [Math.max(1, Math.floor(limit))],
      );
      return result.rows.map(toRequest);
    });
  }

  recordGeocoding(update: GeocodingUpdate): Promise<boolean> {
    if (!UUID.test(update.requestId)) return Promise.resolve(false);
    return this.run('recordGeocoding', async () => {
      // One statement: the flag is the guard, so two instances retrying at once write it once.
      const result = await this.sql.query<{ id: string }>(
        `WITH done AS (
           UPDATE requests SET
             lat = COALESCE($3::float8, lat), lon = COALESCE($4::float8, lon),
             location_label = COALESCE($5::text, location_label),
             commune_id = COALESCE(commune_id, $6::text),
             payload = payload || $7::jsonb, needs_geocoding = false, updated_at = now()
           WHERE id = $1::uuid AND tenant_id = $2 AND needs_geocoding
           RETURNING id, status
         ), event AS (
           INSERT INTO request_events (request_id, status, note, actor)
           SELECT id, status, $8::text, $9::text FROM done
         )
         SELECT id FROM done`,
        [
          update.requestId,
          update.tenantId,
          update.location?.lat ?? null,
          update.location?.lon ?? null,
          update.location?.label ?? null,
          update.communeId ?? null,
          JSON.stringify(update.payloadPatch),
          update.note,
          update.actor,
        ],
      );
      return result.rows.length > 0;
    });
  }

  recordVoiceTranscription(input: {
    tenantId: string;
    recordingSid: string;
    text: string;
  }): Promise<boolean> {
    return this.run('recordVoiceTranscription', async () => {
      // The transcription already there is the guard, so a retried callback writes it once.
      const result = await this.sql.query<{ id: string }>(
        `UPDATE requests SET payload = jsonb_set(payload, '{voiceMessage,transcription}', to_jsonb($3::text)),
           updated_at = now()
         WHERE tenant_id = $1 AND type = 'voice_message' AND payload -> 'voiceMessage' ->> 'recordingSid' = $2
           AND NOT (payload -> 'voiceMessage' ? 'transcription')
         RETURNING id`,
        [input.tenantId, input.recordingSid, input.text],
      );
      return result.rows.length > 0;
    });
  }

  countWaitingConversations(tenantId: string): Promise<number> {
    // conversations_open_owner_idx (tenant_id, owner, updated_at) WHERE status = 'open': an index-only count.
    return this.run('countWaitingConversations', async () => {
      const result = await this.sql.query<{ n: string }>(
        `SELECT count(*) AS n FROM conversations WHERE tenant_id = $1 AND owner = 'queue' AND status = 'open'`,
        [tenantId],
      );
      return Number(result.rows[0]?.n ?? 0);
    });
  }

  findOpenRequestsNear(query: {
    tenantId: string;
    type: string;
    category?: string;
    point: GeoPoint;
    radiusM: number;
  }): Promise<RequestRecord[]> {
    const { lat, lon } = query.point;
    // A latitude band (index range) first, then the exact haversine distance.
    const band = query.radiusM / METRES_PER_DEGREE_LAT;
    return this.run('findOpenRequestsNear', async () => {
      const result = await this.sql.query<RequestRow>(
        `SELECT * FROM (
           ${REQUEST_SELECT},
           LATERAL (SELECT 2 * ${EARTH_RADIUS_M} * asin(least(1, sqrt(
             power(sin(radians(r.lat - $4::float8) / 2), 2)
             + cos(radians($4::float8)) * cos(radians(r.lat)) * power(sin(radians(r.lon - $5::float8) / 2), 2)
           ))) AS distance_m) d
           WHERE r.tenant_id = $1 AND r.type = $2 AND r.status IN ('received', 'in_progress')
             AND r.lat IS NOT NULL AND r.lat BETWEEN $4::float8 - $7::float8 AND $4::float8 + $7::float8
             AND ($3::text IS NULL OR r.payload ->> 'category' = $3::text)
             AND d.distance_m <= $6::float8
           ORDER BY d.distance_m LIMIT ${NEAR_LIMIT}
         ) near`,
        [query.tenantId, query.type, query.category ?? null, lat, lon, query.radiusM, band],
        // Every report's duplicate check: planning it was 0.7 ms of PostgreSQL's CPU each time (more than running
        // it, BENCHMARKS.md); prepared, PostgreSQL plans it again only when that plans better.
        { prepared: true },
      );
      return result.rows.map(toRequest);
    });
  }

  setContactOptOut(tenantId: string, contactId: string, optedOut: boolean): Promise<void> {
    return this.run('setContactOptOut', async () => {
      const result = UUID.test(contactId)
        ? await this.sql.query(
            `UPDATE contacts SET opted_out = $3::boolean, opted_out_at = CASE WHEN $3::boolean THEN now() END, updated_at = now()
             WHERE id = $1 AND tenant_id = $2`,
            [contactId, tenantId, optedOut],
          )
        : { rowCount: 0 };
      if (result.rowCount === 0)
        throw new GuichetError('NOT_FOUND', `No contact ${contactId} in ${tenantId}`);
    });
  }

  private async run<T>(what: string, op: () => Promise<T>): Promise<T> {
    try {
      return await op();
    } catch (error) {
      throw toGuichetError(error, what);
    }
  }
}

/**
 * The conversation, with the contact behind this channel address and its identity when new, in one statement.
 * One statement, not a transaction of three: the new conversation's insert locks its day's row of the
 * conversations roll-up (one row per tenant, day and channel), and a transaction held it over two more round
 * trips, so a burst of first messages to a territory queued on it (61–70 ms per creation for 32 at once,
 * BENCHMARKS.md). A concurrent creation of the same identity or open conversation makes the statement fail as a
 * whole (no ON CONFLICT: nothing half-written, no contact left without its identity): the caller reads again.
 */
async function createConversation(
  sql: SqlExecutor,
  input: { tenantId: string; channel: Channel; address: string },
): Promise<ConversationRecord> {
  try {
    const created = await sql.query<ConversationRow>(
      `WITH existing AS (
         SELECT contact_id FROM contact_identities WHERE tenant_id = $1 AND channel = $2 AND address = $3
       ), new_contact AS (
         INSERT INTO contacts (id, tenant_id) SELECT $4::uuid, $1 WHERE NOT EXISTS (SELECT 1 FROM existing)
         RETURNING id
       ), identity AS (
         INSERT INTO contact_identities (tenant_id, channel, address, contact_id)
         SELECT $1, $2, $3, id FROM new_contact RETURNING contact_id
       )
       INSERT INTO conversations (id, tenant_id, channel, address, contact_id)
       SELECT $5::uuid, $1, $2, $3, contact_id
       FROM (SELECT contact_id FROM existing UNION ALL SELECT contact_id FROM identity) contact
       LIMIT 1
       RETURNING ${CONVERSATION_COLUMNS}`,
      [input.tenantId, input.channel, input.address, newRowId(), newRowId()],
      { prepared: true },
    );
    if (!created.rows[0]) throw new RaceLost();
    return toConversation(created.rows[0]);
  } catch (error) {
    if (isUniqueViolation(error)) throw new RaceLost();
    throw error;
  }
}

const MAX_SATISFACTION_COMMENT_CHARS = 500;

/** The citizen's message of an unanswered turn without personal data, or undefined when nothing is left of it. */
function knowledgeGapOf(messages: readonly MessageRecord[]): string | undefined {
  const question = messages.find((m) => m.direction === 'in')?.text;
  if (!question) return undefined;
  const redacted = redactPersonalData(question.slice(0, MAX_GAP_CHARS)).text.trim();
  // Something asked besides the placeholders ("[téléphone]" alone is no question).
  return /\p{L}{2}/u.test(redacted.replace(/\[[^\]]*\]/g, '')) ? redacted : undefined;
}

/**
 * The whole turn in ONE statement (data-modifying CTEs): one round-trip, and atomic like any
 * statement, so a failing part (duplicate reference, unknown followed request) leaves nothing behind.
 * Only the parts the turn has are included (planning empty parts costs as much as running them).
 * Every insert joins `conv`, so nothing is written for an unknown conversation either.
 * Follows refer to requests committed before this turn.
 */
function commitTurnStatement(commit: TurnCommit, actor: string): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const param = (value: unknown, type: string): string => {
    params.push(value);
    return `$${params.length}::${type}`;
  };
  // Every choice that changes the text is recorded here (`has`): the text is then a function of this key alone,
  // and a turn of a shape already seen reuses its text instead of joining and hashing ~3 KB again.
  let shape = '';
  const has = <T>(value: T): value is NonNullable<T> => {
    shape += value ? '1' : '0';
    return Boolean(value);
  };
  const change = commit.conversation ?? {};
  const owner = param(change.owner ?? null, 'text');
  const status = param(change.status ?? null, 'text');
  const agentReplied = has(commit.messages.some((message) => message.direction === 'agent'));
  const nluFallback = has(change.nluFallback === true);
  const tenantId = param(commit.tenantId, 'text');
  // Every insert joins `conv`: a stale fence leaves `conv` empty, hence nothing written at all.
  const fence = commit.fenceToken === undefined ? undefined : param(commit.fenceToken, 'bigint');
  has(fence);
  // …and so does a provider message already stored: its turn was committed once (by an instance that may have
  // died before answering); run again on the provider's retry, it must not add a second request or side effect.
  const providerIds = providerIdsOf(commit.messages);
  const conversationId = param(commit.conversationId, 'uuid');
  const seen = has(providerIds.length > 0);
  // One provider message (nearly every turn): an equality on both columns of the unique key, whatever the plan.
  // With an array, the cached generic plan (the statement is prepared) guessed a few messages per conversation
  // and read them all by conversation, filtering the ids: ~100 pages for a long conversation instead of 4.
  const oneId = has(providerIds.length === 1);
  // Written as one row comparison, not as "status = 'open' AND …": those would let the planner pick the partial
  // index of open conversations by tenant (on a table without statistics yet, autovacuum off or just loaded) and
  // read every open conversation of the tenant instead of the one row by its key. Rechecked on the latest row
  // version when a concurrent takeover locked it first (READ COMMITTED), so a takeover always wins.
  const expected = has(commit.expect)
    ? `\n    AND (status, owner, address) IS NOT DISTINCT FROM ('open'::text, ${param(commit.expect.owner, 'text')}, ${param(commit.expect.address, 'text')})`
    : '';

  const ctes = [
    ...(seen
      ? [
          `seen AS (
  SELECT EXISTS (SELECT 1 FROM messages WHERE conversation_id = ${conversationId}
    AND provider_message_id ${oneId ? `= ${param(providerIds[0], 'text')}` : `= ANY(${param(providerIds, 'text[]')})`}) AS replayed
)`,
        ]
      : []),
    `conv AS (
  UPDATE conversations SET
    updated_at = now(),
    owner = COALESCE(${owner}, owner),
    handed_over_at = CASE WHEN ${owner} IN ('queue', 'agent') THEN COALESCE(handed_over_at, now()) ELSE handed_over_at END,
    status = COALESCE(${status}, status),
    closed_at = CASE WHEN ${status} = 'closed' THEN COALESCE(closed_at, now()) WHEN ${status} = 'open' THEN NULL ELSE closed_at END,
    last_intent = COALESCE(${param(change.lastIntent ?? null, 'text')}, last_intent),
    nlu_fallbacks = nlu_fallbacks + ${nluFallback ? 1 : 0}${
      agentReplied ? ',\n    first_agent_reply_at = COALESCE(first_agent_reply_at, now())' : ''
    }${fence ? `,\n    fence_token = ${fence}` : ''}
  WHERE id = ${conversationId} AND tenant_id = ${tenantId}${
    fence ? `\n    AND (fence_token IS NULL OR fence_token <= ${fence})` : ''
  }${expected}${seen ? '\n    AND NOT (SELECT replayed FROM seen)' : ''}
  RETURNING id, tenant_id, channel
)`,
  ];
  let failCheck = '0';

  if (has(commit.messages.length > 0)) {
    const rows = messageRows(commit.messages);
    // A replayed provider message id is skipped, not an error.
    ctes.push(`new_messages AS (
  INSERT INTO messages (conversation_id, tenant_id, direction, text, payload, intent, provider_message_id, created_at)
  SELECT conv.id, conv.tenant_id, m.direction, m.text, m.payload, m.intent, m.provider_message_id, COALESCE(m.created_at, now())
  FROM conv, jsonb_to_recordset(${param(JSON.stringify(rows), 'jsonb')}) AS m(i int, direction text, text text,
    payload jsonb, intent text, provider_message_id text, created_at timestamptz)
  ORDER BY m.i
  ON CONFLICT (conversation_id, provider_message_id) DO NOTHING
  RETURNING 1
)`);
  }

  if (has(commit.requests.length > 0)) {
    const rows = commit.requests.map((request) => ({
      id: newRowId(),
      reference: request.reference,
      type: request.type,
      authority_id: request.authorityId,
      commune_id: request.communeId ?? null,
      channel: request.channel,
      contact_id: request.contactId || null,
      conversation_id: request.conversationId || null,
      payload: request.payload,
      lat: request.location?.lat ?? null,
      lon: request.location?.lon ?? null,
      location_label: request.location?.label ?? null,
      address_text: request.addressText ?? null,
      needs_geocoding: request.needsGeocoding ?? false,
    }));
    // Each request with its first status event.
    ctes.push(`new_requests AS (
  INSERT INTO requests (id, reference, tenant_id, type, authority_id, commune_id, channel, contact_id,
    conversation_id, payload, lat, lon, location_label, address_text, needs_geocoding)
  SELECT r.id, r.reference, conv.tenant_id, r.type, r.authority_id, r.commune_id, r.channel, r.contact_id,
    r.conversation_id, COALESCE(r.payload, '{}'::jsonb), r.lat, r.lon, r.location_label, r.address_text,
    COALESCE(r.needs_geocoding, false)
  FROM conv, jsonb_to_recordset(${param(JSON.stringify(rows), 'jsonb')}) AS r(id uuid, reference text, type text,
    authority_id text, commune_id text, channel text, contact_id uuid, conversation_id uuid, payload jsonb,
    lat float8, lon float8, location_label text, address_text text, needs_geocoding boolean)
  RETURNING id
)`);
    ctes.push(`new_events AS (
  INSERT INTO request_events (request_id, status, actor) SELECT id, 'received', ${param(actor, 'text')} FROM new_requests
  RETURNING 1
)`);
  }

  const follows = commit.follows ?? [];
  if (has(follows.length > 0)) {
    const rows = follows.map((f) => ({ request_id: f.requestId, contact_id: f.contactId }));
    // Only requests of this tenant can be followed; a missing one fails the whole statement.
    ctes.push(`wanted_follows AS (
  SELECT f.request_id, f.contact_id FROM jsonb_to_recordset(${param(JSON.stringify(rows), 'jsonb')}) AS f(request_id uuid, contact_id uuid)
)`);
    ctes.push(`found_follows AS (
  SELECT w.request_id, w.contact_id FROM wanted_follows w JOIN requests r ON r.id = w.request_id AND r.tenant_id = ${tenantId}
)`);
    ctes.push(`follows_check AS (
  SELECT guichet_fail('P0002', 'a followed request does not exist in this tenant') AS failed
  WHERE (SELECT count(*) FROM found_follows) < (SELECT count(*) FROM wanted_follows)
)`);
    ctes.push(`new_follows AS (
  INSERT INTO request_followers (request_id, contact_id) SELECT f.request_id, f.contact_id FROM conv, found_follows f
  ON CONFLICT DO NOTHING
  RETURNING 1
)`);
    failCheck = '(SELECT count(*) FROM follows_check)';
  }

  if (has(commit.outbox.length > 0)) {
    const rows = commit.outbox.map((item) => ({
      kind: item.kind,
      payload: item.payload,
      dedupe_key: item.dedupeKey,
    }));
    // A replayed turn re-emits the same dedupe keys: each side effect is delivered once.
    ctes.push(`new_outbox AS (
  INSERT INTO outbox (tenant_id, kind, payload, dedupe_key)
  SELECT conv.tenant_id, o.kind, o.payload, o.dedupe_key
  FROM conv, jsonb_to_recordset(${param(JSON.stringify(rows), 'jsonb')}) AS o(kind text, payload jsonb, dedupe_key text)
  ON CONFLICT (dedupe_key) DO NOTHING
  RETURNING 1
)`);
  }

  const gap = change.unanswered ? knowledgeGapOf(commit.messages) : undefined;
  if (has(gap)) {
    // A question the bot could not answer, redacted, tied to no conversation (backoffice knowledge gaps).
    ctes.push(`new_gap AS (
  INSERT INTO knowledge_gaps (tenant_id, question, channel) SELECT conv.tenant_id, ${param(gap, 'text')}, conv.channel FROM conv
  RETURNING 1
)`);
  }

  const rating = change.satisfaction;
  if (has(rating)) {
    const comment = rating.comment
      ? redactPersonalData(rating.comment.slice(0, MAX_SATISFACTION_COMMENT_CHARS)).text.trim() || null
      : null;
    const score = param(rating.score ?? null, 'int');
    const text = param(comment, 'text');
    // A request's row was written when the question was asked (none: its status change did not commit, nothing
    // to rate); a conversation's is written with its answer. The tenant check keeps a forged id off another
    // territory's row.
    ctes.push(
      has(rating.requestId)
        ? `new_satisfaction AS (
  UPDATE satisfaction_answers s SET score = COALESCE(${score}, s.score), comment = COALESCE(${text}, s.comment),
    conversation_id = conv.id, answered_at = COALESCE(s.answered_at, now())
  FROM conv WHERE s.id = ${param(rating.id, 'uuid')} AND s.tenant_id = conv.tenant_id
  RETURNING 1
)`
        : `new_satisfaction AS (
  INSERT INTO satisfaction_answers AS s (id, tenant_id, conversation_id, channel, score, comment, asked_at, answered_at)
  SELECT ${param(rating.id, 'uuid')}, conv.tenant_id, conv.id, conv.channel, ${score}, ${text},
    ${param(rating.askedAt, 'timestamptz')}, now()
  FROM conv
  ON CONFLICT (id) DO UPDATE SET score = COALESCE(EXCLUDED.score, s.score),
    comment = COALESCE(EXCLUDED.comment, s.comment), answered_at = COALESCE(s.answered_at, now())
  WHERE s.tenant_id = EXCLUDED.tenant_id AND s.request_id IS NULL
  RETURNING 1
)`,
    );
  }

  const known = commitStatements.get(shape);
  if (known !== undefined && !CHECK_COMMIT_SHAPES) return { sql: known, params };
  const sql = `WITH ${ctes.join(',\n')}
SELECT (SELECT count(*) FROM conv)::int AS conversations, ${failCheck}::int AS failed, ${seen ? '(SELECT replayed::int FROM seen)' : '0'} AS replayed`;
  if (known === undefined) commitStatements.set(shape, sql);
  else if (known !== sql)
    throw new Error(`commitTurnStatement: shape ${shape} has two texts (a choice not recorded)`);
  // The kept string: its hash (the prepared statement's name) and its comparison in pg are then immediate.
  return { sql: known ?? sql, params };
}

/** The text of each shape of commit seen (a few dozen at most: one character per choice in commitTurnStatement). */
const commitStatements = new Map<string, string>();
/** Outside production every text is still built and compared with the kept one: a choice not recorded fails tests. */
const CHECK_COMMIT_SHAPES = process.env.NODE_ENV !== 'production';
