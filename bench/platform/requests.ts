// The platform generator's store: N requests with their timeline events spread over the platform's territories,
// written by PostgreSQL itself (generate_series, as bench/indicators-data.ts does), in slices so progress shows.
// Every row is a function of its number (no randomness). Request i belongs to territory (i mod T) + 1.
// Triggers are off while loading (session_replication_role = replica: the indicators' roll-up triggers would
// triple the time) and the roll-up is rebuilt once at the end, as `npm run indicators:rebuild` does.
// Requests resolved or rejected more than a year before END carry the retention job's mark already: the data is a
// platform whose hourly job has been running, so a run has a day's worth to anonymise but the whole table to see.
import { rebuildIndicatorsRollup } from '../../adapters/postgres/backoffice/indicators';
import type { SqlClient } from '../../adapters/postgres';
import { ANONYMISED_MARK } from '../../server/retention/anonymise';
import { territoryId } from './territories';

/** The data spans [END - SPAN_DAYS, END). */
export const END = new Date('2026-12-01T00:00:00Z');
export const SPAN_DAYS = 730;
const CHANNELS = ['webchat', 'sms', 'whatsapp', 'voice', 'backoffice', 'botframework', 'open311'];
const CATEGORIES = ['voirie', 'eclairage', 'proprete', 'eau'];
const list = (values: readonly string[]) => `ARRAY[${values.map((v) => `'${v}'`).join(', ')}]`;

export interface GenerateProgress {
  (line: string): void;
}

/**
 * Writes `requests` requests (and ~2 events each) for territories plat-0001…plat-<territories>, whose rows in
 * `tenants` are created here. The database must hold Guichet's schema (migrated) and no platform data yet.
 */
export async function generatePlatformRequests(
  sql: SqlClient,
  territories: number,
  requests: number,
  progress: GenerateProgress = () => undefined,
): Promise<void> {
  await sql.query(
    `INSERT INTO tenants (id, name, settings)
     SELECT 'plat-' || lpad(g::text, 4, '0'), 'Communauté de communes ' || g, '{"timeZone": "Europe/Paris"}'
     FROM generate_series(1, $1::int) g ON CONFLICT (id) DO NOTHING`,
    [territories],
  );
  if (territoryId(1) !== 'plat-0001') throw new Error('territory ids changed: update the SQL above');
  // Secondary indexes (19 on requests, trigram search ones among them) cost most of a bulk insert: they are
  // dropped while loading and built once at the end. Their definitions are kept in a table first, so an
  // interrupted run resumes and still rebuilds them.
  await sql.exec(
    `CREATE TABLE IF NOT EXISTS bench_platform_indexes (name text PRIMARY KEY, definition text NOT NULL)`,
  );
  await sql.exec(
    `INSERT INTO bench_platform_indexes (name, definition)
     SELECT i.indexname, i.indexdef FROM pg_indexes i
     WHERE i.schemaname = current_schema() AND i.tablename IN ('requests', 'request_events')
       AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = (quote_ident(i.indexname))::regclass)
     ON CONFLICT (name) DO NOTHING`,
  );
  const indexes = (
    await sql.query<{ name: string; definition: string }>(
      'SELECT name, definition FROM bench_platform_indexes ORDER BY name',
    )
  ).rows;
  for (const index of indexes) await sql.exec(`DROP INDEX IF EXISTS ${index.name}`);
  // Slices commit one by one: an interrupted run resumes after the last one written.
  const [done] = (
    await sql.query<{ last: number | null }>(
      `SELECT max(substring(reference FROM 10)::int) AS last FROM requests WHERE tenant_id LIKE 'plat-%'`,
    )
  ).rows;
  const slice = 250_000;
  const start = new Date(END.getTime() - SPAN_DAYS * 86_400_000);
  const anonymisedBefore = new Date(END.getTime() - 365 * 86_400_000);
  for (let from = (done?.last ?? 0) + 1; from <= requests; from += slice) {
    const to = Math.min(requests, from + slice - 1);
    const t0 = performance.now();
    await sql.transaction(async (tx) => {
      await tx.exec('SET LOCAL session_replication_role = replica');
      // Status from a hash of i; the older a request, the likelier it is closed.
      // The timeline in the same statement: 'received' at creation, then the current status when it moved.
      await tx.query(
        `WITH inserted AS (INSERT INTO requests (reference, tenant_id, type, status, authority_id, commune_id, channel, payload,
         created_at, updated_at, resolved_at, first_response_at, first_assigned_at)
       SELECT 'DEM-' || extract(year FROM c) || '-' || lpad(i::text, 7, '0'), 'plat-' || lpad((i % $3 + 1)::text, 4, '0'), t,
         st,
         CASE WHEN t = 'report_incident' AND i % 3 = 0 THEN 'cc-val-de-loue' ELSE 'commune-montcey-sur-loue' END,
         'montcey-sur-loue',
         (${list(CHANNELS)})[i % 7 + 1],
         (CASE WHEN t = 'report_incident' THEN jsonb_build_object('category', (${list(CATEGORIES)})[(i / 10) % 4 + 1],
                 'description', 'Signalement généré ' || i)
               ELSE jsonb_build_object('childName', 'Enfant ' || i) END)
           || CASE WHEN st IN ('resolved', 'rejected') AND u < $5::timestamptz
                   THEN '{"${ANONYMISED_MARK}": true}'::jsonb ELSE '{}'::jsonb END,
         c, u, CASE WHEN st = 'resolved' THEN u END,
         c + make_interval(mins => (i * 31) % 2880 + 5),
         CASE WHEN i % 10 < 7 THEN c + make_interval(mins => (i * 17) % 4320 + 1) END
       FROM (
         SELECT i, c, t, c + make_interval(hours => (i % 200) + 1) AS u,
           CASE WHEN h < 3 THEN 'rejected' WHEN h < 88 OR c < $4::timestamptz - interval '60 days' AND h < 97 THEN 'resolved'
                WHEN h < 94 THEN 'in_progress' ELSE 'received' END AS st
         FROM (
           SELECT i, ((i::bigint * 7919) % 100)::int AS h,
             $6::timestamptz + make_interval(secs => ((i - 1)::bigint * ${SPAN_DAYS} * 86400 / $7::bigint)) AS c,
             CASE WHEN i % 10 < 7 THEN 'report_incident' WHEN i % 10 < 9 THEN 'school_registration'
                  ELSE 'library_registration' END AS t
           FROM generate_series($1::int, $2::int) i
         ) g
       ) s
       RETURNING id, status, created_at, updated_at)
       INSERT INTO request_events (request_id, status, note, actor, created_at)
       SELECT id, 'received', NULL, 'bot', created_at FROM inserted
       UNION ALL
       SELECT id, status, 'Traitée par le service', 'agent', updated_at FROM inserted WHERE status <> 'received'`,
        [from, to, territories, END, anonymisedBefore, start, requests],
      );
    });
    progress(
      `requests ${to.toLocaleString('en')} / ${requests.toLocaleString('en')} (${Math.round(performance.now() - t0)} ms)`,
    );
  }
  for (const index of indexes) {
    const t = performance.now();
    // Sorted in memory rather than in temporary files (the session default is 64 MB).
    await sql.exec(
      `SET maintenance_work_mem = '512MB'; ${index.definition.replace(/^CREATE (UNIQUE )?INDEX /, 'CREATE $1INDEX IF NOT EXISTS ')}`,
    );
    progress(`index ${index.name} built (${Math.round(performance.now() - t)} ms)`);
  }
  await sql.exec('DROP TABLE bench_platform_indexes');
  const t0 = performance.now();
  await rebuildIndicatorsRollup(sql);
  progress(`indicators roll-up rebuilt (${Math.round(performance.now() - t0)} ms)`);
  await sql.exec('VACUUM ANALYZE requests, request_events');
}
