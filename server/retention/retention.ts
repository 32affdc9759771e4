// The retention job (RGPD storage limitation, CNIL guidance for chatbots). Per territory:
//  - transcripts (messages, the quotes of the citizen in handover/webhook outbox rows, old outbox rows)
//    are deleted after `retention.transcriptsDays` (default 183, six months), with the photos sent in them that
//    no request shows;
//  - contacts inactive for `retention.contactsDays` and with no open request are anonymised: channel
//    identities (phone numbers, session ids) deleted, conversation addresses replaced, name cleared;
//  - requests closed for `contactsDays` (and every request of an anonymised contact) keep what their legal
//    follow-up needs — type, status, dates, authority, an incident's location — and lose personal fields.
// Idempotent and bounded (batches), safe to run from several instances at once (a per-tenant advisory
// lock: the second runner skips the tenant). `now` is injected so tests run it with a fake clock.
import { createHash } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import {
  deleteQueuedMedia,
  photosShownByNoRequest,
  queueMediaDeletions,
  RETENTION_DUE_PREDICATE,
  type SqlClient,
  type SqlExecutor,
} from '../../adapters/postgres';
import { mediaKeysIn, type MediaStore } from '../../bot/ports';
import { ANONYMISED_MARK, anonymisePayload, type AnonymisedPayload } from './anonymise';

export interface TenantRetention {
  tenantId: string;
  transcriptsDays: number;
  contactsDays: number;
}

export interface RetentionReport {
  tenantId: string;
  /** False when another instance was running the job for this tenant. */
  ran: boolean;
  messagesDeleted: number;
  outboxDeleted: number;
  outboxRedacted: number;
  contactsAnonymised: number;
  identitiesDeleted: number;
  requestsAnonymised: number;
  /** Photos whose bytes were deleted from the media store. */
  photosDeleted: number;
  /** Photos the media store failed to delete: they stay queued, and the next run tries again (logged). */
  photosFailed: number;
}

export interface RetentionOptions {
  sql: SqlClient;
  tenants: TenantRetention[];
  now: Date;
  /** Rows anonymised per statement (the job loops until nothing is left). */
  batchSize?: number;
  anonymise?: (request: { type: string; payload: Record<string, unknown> }) => AnonymisedPayload;
  /**
   * Where the photos' bytes are: the photos of an anonymised request or contact are deleted (published or not:
   * a photo may show the person). Without it, only their publications go.
   */
  media?: Pick<MediaStore, 'delete'>;
  /** Aborted (the server stopping): the job ends after the territory in progress; the next run does the rest. */
  signal?: AbortSignal;
  /**
   * After each territory, a pause as long as its work (default): the job then takes at most half of what the
   * database can give, and the citizens' turns the rest. false: back to back (the tests, an operator's one-off run).
   */
  paced?: boolean;
  /** How the pause is waited (tests observe it); resolves early, or rejects, when the signal aborts. */
  pause?: (ms: number, signal?: AbortSignal) => Promise<unknown>;
}

// A timer that holds the process: `npm run retention` (cron) has nothing else to keep it alive once the pool's idle
// connections have closed during a long pause; in the server, stopping aborts it.
const pauseFor = (ms: number, signal?: AbortSignal) => delay(ms, undefined, { signal });

const DAY_MS = 24 * 3600 * 1000;

export async function runRetention(options: RetentionOptions): Promise<RetentionReport[]> {
  const reports: RetentionReport[] = [];
  for (const tenant of options.tenants) {
    if (options.signal?.aborted) break;
    const started = performance.now();
    reports.push(await retainTenant(options, tenant));
    // Paced as the open-data job is (backoffice/open-data/publisher.ts): over a platform's 2,000 territories the
    // job is about a minute of database work, and back to back its writes (37 kB of WAL per turn beside it, full
    // page images after each checkpoint) took the p99 of the turns running beside it from 0.3 to 1.1 s
    // (BENCHMARKS.md, "Platform"). Cut short by the signal: rejected then, which only means "stop now".
    if (options.paced !== false)
      await (options.pause ?? pauseFor)(performance.now() - started, options.signal).catch(() => undefined);
  }
  return reports;
}

async function retainTenant(options: RetentionOptions, tenant: TenantRetention): Promise<RetentionReport> {
  const report: RetentionReport = {
    tenantId: tenant.tenantId,
    ran: false,
    messagesDeleted: 0,
    outboxDeleted: 0,
    outboxRedacted: 0,
    contactsAnonymised: 0,
    identitiesDeleted: 0,
    requestsAnonymised: 0,
    photosDeleted: 0,
    photosFailed: 0,
  };
  const transcriptsBefore = new Date(options.now.getTime() - tenant.transcriptsDays * DAY_MS).toISOString();
  const contactsBefore = new Date(options.now.getTime() - tenant.contactsDays * DAY_MS).toISOString();
  const nowIso = options.now.toISOString();
  const batch = options.batchSize ?? 500;
  const anonymise = options.anonymise ?? anonymisePayload;

  const photos = new Set<string>();
  await options.sql.transaction(async (tx) => {
    const lock = await tx.query<{ locked: boolean }>(
      'SELECT pg_try_advisory_xact_lock($1::bigint) AS locked',
      [lockKey(tenant.tenantId)],
    );
    if (!lock.rows[0]?.locked) return;
    report.ran = true;

    // 1. Transcripts, and the photos they carried unless a request still shows them (a report's photo stays as
    // long as the report keeps its personal fields; its anonymisation, below, deletes it then).
    const transcripts = await tx.query<{ deleted: number; media: unknown }>(
      `WITH gone AS (DELETE FROM messages WHERE tenant_id = $1 AND created_at < $2::timestamptz RETURNING payload)
       SELECT count(*)::int AS deleted,
              COALESCE(jsonb_agg(payload) FILTER (WHERE strpos(payload::text, '"media:') > 0), '[]'::jsonb) AS media
       FROM gone`,
      [tenant.tenantId, transcriptsBefore],
    );
    report.messagesDeleted = Number(transcripts.rows[0]?.deleted ?? 0);
    // The photos the deleted messages named; those a request still shows are kept (checked once, after step 2).
    const named = new Set(mediaKeysIn(transcripts.rows[0]?.media));
    report.outboxDeleted = (
      await tx.query('DELETE FROM outbox WHERE tenant_id = $1 AND created_at < $2::timestamptz', [
        tenant.tenantId,
        transcriptsBefore,
      ])
    ).rowCount;
    // Knowledge gaps are redacted quotes of citizens: they go with the transcripts they came from.
    await tx.query('DELETE FROM knowledge_gaps WHERE tenant_id = $1 AND created_at < $2::timestamptz', [
      tenant.tenantId,
      transcriptsBefore,
    ]);
    // So do the satisfaction comments (redacted too); the scores stay, anonymous statistics.
    await tx.query(
      `UPDATE satisfaction_answers SET comment = NULL
       WHERE tenant_id = $1 AND comment IS NOT NULL AND answered_at < $2::timestamptz`,
      [tenant.tenantId, transcriptsBefore],
    );

    // 2. Contacts inactive since `contactsBefore`, none of whose requests (own or followed) is still open.
    // The tenant is repeated in the subqueries: the (tenant_id, contact_id) indexes need it, and without it each
    // contact due was checked against every request of the platform (a parallel scan of 5 million rows).
    const contacts = await tx.query<{ id: string }>(
      `SELECT c.id FROM contacts c
       WHERE c.tenant_id = $1 AND c.erased_at IS NULL AND c.updated_at < $2::timestamptz
         AND NOT EXISTS (SELECT 1 FROM conversations v
                         WHERE v.tenant_id = $1 AND v.contact_id = c.id AND v.updated_at >= $2::timestamptz)
         AND NOT EXISTS (SELECT 1 FROM requests r
                         WHERE r.tenant_id = $1 AND r.contact_id = c.id AND r.status IN ('received', 'in_progress'))
         AND NOT EXISTS (SELECT 1 FROM request_followers f JOIN requests r ON r.id = f.request_id
                         WHERE f.contact_id = c.id AND r.status IN ('received', 'in_progress'))`,
      [tenant.tenantId, contactsBefore],
    );
    const contactIds = contacts.rows.map((r) => r.id);
    if (contactIds.length > 0) {
      const conversations = await tx.query<{ id: string }>(
        'SELECT id FROM conversations WHERE tenant_id = $2 AND contact_id = ANY($1::uuid[])',
        [contactIds, tenant.tenantId],
      );
      const conversationIds = conversations.rows.map((r) => r.id);
      const sent = await tx.query<{ payload: unknown }>(
        'SELECT payload FROM messages WHERE conversation_id = ANY($1::uuid[]) AND payload IS NOT NULL',
        [conversationIds],
      );
      // Unless a request shows them: their own requests' photos go with those requests' anonymisation below,
      // and a photo another citizen's report shows (a key named in a message) is that report's.
      for (const key of mediaKeysIn(sent.rows)) named.add(key);
      // Their whole transcript goes with them, however recent a message of a closed conversation is.
      report.messagesDeleted += (
        await tx.query('DELETE FROM messages WHERE conversation_id = ANY($1::uuid[])', [conversationIds])
      ).rowCount;
      report.identitiesDeleted = (
        await tx.query('DELETE FROM contact_identities WHERE contact_id = ANY($1::uuid[])', [contactIds])
      ).rowCount;
      report.outboxRedacted += (
        await tx.query(
          `UPDATE outbox SET payload = payload - 'summary' - 'body' - 'to' || '{"erased": true}'::jsonb
           WHERE tenant_id = $1 AND payload ->> 'conversationId' = ANY($2::text[]) AND NOT (payload ? 'erased')`,
          [tenant.tenantId, conversationIds],
        )
      ).rowCount;
      await tx.query(
        `UPDATE conversations SET address = 'purged:' || id::text, status = 'closed', owner = 'bot', agent_id = NULL,
           closed_at = COALESCE(closed_at, $2::timestamptz), last_intent = NULL
         WHERE id = ANY($1::uuid[])`,
        [conversationIds, nowIso],
      );
      await tx.query('DELETE FROM request_followers WHERE contact_id = ANY($1::uuid[])', [contactIds]);
      report.contactsAnonymised = (
        await tx.query(
          `UPDATE contacts SET display_name = NULL, locale = NULL, erased_at = $2::timestamptz, updated_at = $2::timestamptz
           WHERE id = ANY($1::uuid[])`,
          [contactIds, nowIso],
        )
      ).rowCount;
    }

    // One pass over the requests that show photos for both steps' messages (before step 3 rewrites any request).
    for (const key of await photosShownByNoRequest(tx, tenant.tenantId, [...named])) photos.add(key);

    // 3. Requests: closed for `contactsDays` (read from the index of those not yet anonymised, migration 0032:
    // a platform's hourly run finds a day's worth per tenant without reading the others), then any other request of
    // a contact just anonymised. Each batch leaves the selection once marked.
    const due = {
      sql: `SELECT id, type, payload FROM requests
            WHERE tenant_id = $1 AND ${RETENTION_DUE_PREDICATE} AND updated_at < $2::timestamptz
            ORDER BY updated_at LIMIT $3`,
      params: [tenant.tenantId, contactsBefore, batch] as unknown[],
    };
    const ofContacts = {
      sql: `SELECT id, type, payload FROM requests
            WHERE tenant_id = $1 AND contact_id = ANY($2::uuid[]) AND NOT (payload ? '${ANONYMISED_MARK}')
            ORDER BY id LIMIT $3`,
      params: [tenant.tenantId, contactIds, batch] as unknown[],
    };
    for (const selection of contactIds.length > 0 ? [due, ofContacts] : [due]) {
      for (;;) {
        const rows = await tx.query<{ id: string; type: string; payload: Record<string, unknown> | null }>(
          selection.sql,
          selection.params,
        );
        if (rows.rows.length === 0) break;
        mediaKeysIn(
          rows.rows.map((r) => r.payload),
          photos,
        );
        await tx.query('DELETE FROM media_publications WHERE request_id = ANY($1::uuid[])', [
          rows.rows.map((r) => r.id),
        ]);
        report.requestsAnonymised += await rewriteRequests(tx, rows.rows, anonymise);
        if (rows.rows.length < batch) break;
      }
    }
    await tx.query('DELETE FROM media_publications WHERE media_key = ANY($1::text[])', [[...photos]]);
    await queueMediaDeletions(tx, tenant.tenantId, [...photos]);
  });
  // After the commit: the bytes may be in S3, and a photo must not vanish from a request still named by it.
  // The queue holds this run's photos and any an earlier run (or an erasure) could not delete.
  if (report.ran && options.media) {
    const done = await deleteQueuedMedia(options.sql, options.media, tenant.tenantId);
    report.photosDeleted = done.deleted;
    report.photosFailed = done.failed;
  }
  return report;
}

async function rewriteRequests(
  tx: SqlExecutor,
  rows: { id: string; type: string; payload: Record<string, unknown> | null }[],
  anonymise: NonNullable<RetentionOptions['anonymise']>,
): Promise<number> {
  const rewritten = rows.map((r) => {
    const result = anonymise({ type: r.type, payload: r.payload ?? {} });
    // Whatever the rule returns, the mark is what keeps the job from selecting the row again.
    return {
      id: r.id,
      payload: { ...result.payload, [ANONYMISED_MARK]: true },
      keep_location: result.keepLocation,
    };
  });
  const updated = await tx.query(
    `UPDATE requests r SET payload = x.payload,
       address_text = CASE WHEN x.keep_location THEN r.address_text END,
       lat = CASE WHEN x.keep_location THEN r.lat END,
       lon = CASE WHEN x.keep_location THEN r.lon END,
       location_label = CASE WHEN x.keep_location THEN r.location_label END
     FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, payload jsonb, keep_location boolean)
     WHERE r.id = x.id`,
    [JSON.stringify(rewritten)],
  );
  return updated.rowCount;
}

/** A stable 63-bit key per tenant for pg_try_advisory_xact_lock. */
function lockKey(tenantId: string): string {
  const hash = createHash('sha256').update(`guichet-retention:${tenantId}`).digest();
  return (hash.readBigInt64BE(0) & 0x7fffffffffffffffn).toString();
}
