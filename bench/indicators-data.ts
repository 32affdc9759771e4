// The steering indicators' data generator: N requests (and N/2 conversations with two citizen messages each,
// N/50 callbacks, N/10 interventions) for one tenant over two years, written by PostgreSQL itself
// (generate_series), so a million rows take a minute, not an hour of round trips. Every row is a function of
// its number (no randomness): the same N gives the same data, and the expected counts can be computed in
// JavaScript (expectedCounts) to check the SQL on a data set bigger than the hand-counted contract.
// The requests' first response and first assignment are written directly (what migration 0021's trigger keeps
// from the timeline); no timeline events are generated, the indicators never read them.
import type { SqlExecutor } from '../adapters/postgres';

export const BENCH_TENANT = 'bench-indicateurs';
/** The data spans [START, START + SPAN_DAYS). */
export const START = new Date('2025-01-01T00:00:00Z');
export const SPAN_DAYS = 730;

export const TYPES = ['report_incident', 'school_registration', 'civil_status', 'waste_collection'];
export const CATEGORIES = ['voirie', 'eclairage', 'proprete', 'espaces-verts'];
export const CHANNELS = ['webchat', 'sms', 'whatsapp', 'voice', 'backoffice', 'botframework', 'open311'];
export const COMMUNES = Array.from({ length: 12 }, (_, i) => `commune-${i + 1}`);
export const AUTHORITIES = ['cc-bench', 'commune-1', 'syndicat-eaux'];

/** Request i's attributes (1-based), the same formulas as the SQL below. */
export function requestOf(i: number, n: number) {
  const typeIndex = i % 10 < 6 ? 0 : i % 10 < 8 ? 1 : i % 10 === 8 ? 2 : 3;
  return {
    createdAt: new Date(START.getTime() + Math.floor(((i - 1) * SPAN_DAYS * 86_400_000) / n)),
    type: TYPES[typeIndex]!,
    category: typeIndex === 0 ? CATEGORIES[Math.floor(i / 10) % 4]! : null,
    channel: CHANNELS[i % 7]!,
    commune: i % 13 === 12 ? null : COMMUNES[i % 13]!,
    authority: AUTHORITIES[i % 3]!,
  };
}

/** Counts by type, channel and commune ('unknown') of the requests created in [from, to). */
export function expectedCounts(n: number, from: Date, to: Date) {
  const tally = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);
  const byType = new Map<string, number>();
  const byChannel = new Map<string, number>();
  const byCommune = new Map<string, number>();
  let total = 0;
  for (let i = 1; i <= n; i++) {
    const r = requestOf(i, n);
    if (r.createdAt < from || r.createdAt >= to) continue;
    total++;
    tally(byType, r.type);
    tally(byChannel, r.channel);
    tally(byCommune, r.commune ?? 'unknown');
  }
  return { total, byType, byChannel, byCommune };
}

const list = (values: readonly string[]) => `ARRAY[${values.map((v) => `'${v}'`).join(', ')}]`;

/** Writes the data set (the tenant must not exist yet). */
export async function generate(sql: SqlExecutor, n: number): Promise<void> {
  const span = `${SPAN_DAYS} * 86400000::bigint`;
  await sql.query(
    `INSERT INTO tenants (id, name, settings) VALUES ($1, 'Banc d’essai', '{"timeZone": "Europe/Paris"}')`,
    [BENCH_TENANT],
  );
  await sql.query(
    `INSERT INTO teams (tenant_id, name) SELECT $1, 'Équipe ' || g FROM generate_series(1, 5) g`,
    [BENCH_TENANT],
  );
  // Requests: status from a hash of i; the older a request, the likelier it is closed.
  await sql.query(
    `INSERT INTO requests (reference, tenant_id, type, status, authority_id, commune_id, channel, payload,
       created_at, updated_at, resolved_at, first_response_at, first_assigned_at)
     SELECT 'DEM-' || extract(year FROM c) || '-' || lpad(i::text, 7, '0'), $1, t,
       CASE WHEN h < 3 THEN 'rejected' WHEN h < 88 OR c < $3::timestamptz - interval '60 days' AND h < 97 THEN 'resolved'
            WHEN h < 94 THEN 'in_progress' ELSE 'received' END,
       (${list(AUTHORITIES)})[i % 3 + 1],
       CASE WHEN i % 13 = 12 THEN NULL ELSE (${list(COMMUNES)})[i % 13 + 1] END,
       (${list(CHANNELS)})[i % 7 + 1],
       CASE WHEN t = 'report_incident' THEN jsonb_build_object('category', (${list(CATEGORIES)})[(i / 10) % 4 + 1])
            ELSE '{}'::jsonb END,
       c, c + make_interval(hours => (i % 200) + 1),
       c + make_interval(hours => (i * 13) % 720 + 1),
       c + make_interval(mins => (i * 31) % 2880 + 5),
       CASE WHEN i % 10 < 7 THEN c + make_interval(mins => (i * 17) % 4320 + 1) END
     FROM (
       SELECT i, ((i::bigint * 7919) % 100)::int AS h,
         $2::timestamptz + make_interval(secs => ((i - 1)::bigint * ${span} / $4::bigint) / 1000.0) AS c,
         CASE WHEN i % 10 < 6 THEN 'report_incident' WHEN i % 10 < 8 THEN 'school_registration'
              WHEN i % 10 = 8 THEN 'civil_status' ELSE 'waste_collection' END AS t
       FROM generate_series(1, $4::int) i
     ) g`,
    [BENCH_TENANT, START, new Date(START.getTime() + SPAN_DAYS * 86_400_000), n],
  );
  // resolved_at only on resolved requests.
  await sql.query(`UPDATE requests SET resolved_at = NULL WHERE tenant_id = $1 AND status <> 'resolved'`, [
    BENCH_TENANT,
  ]);
  const conversations = Math.max(1, Math.floor(n / 2));
  await sql.query(
    `INSERT INTO contacts (tenant_id) SELECT $1 FROM generate_series(1, LEAST($2::int, 10000))`,
    [BENCH_TENANT, conversations],
  );
  await sql.query(
    `WITH people AS (SELECT id, row_number() OVER (ORDER BY id) AS k FROM contacts WHERE tenant_id = $1),
     size AS (SELECT count(*) AS n FROM people)
     INSERT INTO conversations (tenant_id, channel, address, contact_id, owner, status, nlu_fallbacks,
       handed_over_at, first_agent_reply_at, created_at, updated_at, closed_at)
     SELECT $1, (${list(CHANNELS.slice(0, 4))})[i % 4 + 1], 'bench-' || i, p.id, 'bot', 'closed',
       CASE WHEN i % 5 = 0 THEN 1 ELSE 0 END,
       CASE WHEN i % 4 = 0 THEN c + interval '2 minutes' END,
       CASE WHEN i % 4 = 0 THEN c + make_interval(mins => 2 + (i * 7) % 60) END,
       c, c + interval '1 hour', c + interval '1 hour'
     FROM (SELECT i, $2::timestamptz + make_interval(secs => ((i - 1)::bigint * ${span} / $3::bigint) / 1000.0) AS c
           FROM generate_series(1, $3::int) i) g
     JOIN people p ON p.k = g.i % (SELECT n FROM size) + 1`,
    [BENCH_TENANT, START, conversations],
  );
  await sql.query(
    `INSERT INTO messages (conversation_id, tenant_id, direction, text, intent, created_at)
     SELECT c.id, c.tenant_id, 'in', 'message ' || k, 'ask_faq', c.created_at + make_interval(secs => k)
     FROM conversations c CROSS JOIN generate_series(1, 2) k WHERE c.tenant_id = $1`,
    [BENCH_TENANT],
  );
  await sql.query(
    `INSERT INTO callbacks (tenant_id, conversation_id, contact_id, promise_key, phone, promised_by, status, handled_at)
     SELECT c.tenant_id, c.id, c.contact_id, 'bench-' || c.id, '+33600000000', c.created_at + interval '1 day',
       CASE WHEN c.nlu_fallbacks = 1 THEN 'done' ELSE 'open' END,
       CASE WHEN c.nlu_fallbacks = 1 THEN c.created_at + interval '20 hours' END
     FROM conversations c WHERE c.tenant_id = $1 AND c.handed_over_at IS NOT NULL AND c.address LIKE '%0'`,
    [BENCH_TENANT],
  );
  await sql.query(
    `WITH t AS (SELECT id, row_number() OVER (ORDER BY name) - 1 AS k FROM teams WHERE tenant_id = $1)
     INSERT INTO interventions (tenant_id, request_id, team_id, what, status, created_by, created_at, updated_at)
     SELECT r.tenant_id, r.id, t.id, 'intervention', CASE WHEN r.status = 'resolved' THEN 'done' ELSE 'planned' END,
       'banc', r.created_at + interval '1 day', COALESCE(r.resolved_at, r.created_at + interval '1 day')
     FROM requests r JOIN t ON t.k = (hashtext(r.reference) & 7) % 5
     WHERE r.tenant_id = $1 AND r.type = 'report_incident' AND r.channel IN ('voice', 'sms')`,
    [BENCH_TENANT],
  );
}
