// The outbox relay: delivers the side effects a turn (or the back office) committed. It claims due rows
// with FOR UPDATE SKIP LOCKED (several instances never take the same row) and a lease (locked_until),
// dispatches each by `kind` to a handler, then marks it delivered, or schedules a retry with exponential
// backoff (attempts, last_error, next_attempt_at), or marks it failed. At-least-once: a crash between the
// handler and the mark re-delivers after the lease, so handlers use the row's dedupe_key as idempotency key.
import { GuichetError, isGuichetError } from '../../bot/errors';
import type { Logger } from '../../bot/logger';
import { silentLogger } from '../../bot/logger';
import { sameTickGroup, type SqlClient } from '../postgres';

export interface OutboxRow {
  id: string;
  tenantId: string;
  kind: string;
  payload: Record<string, unknown>;
  dedupeKey: string;
  /** This attempt's number (1 for the first). */
  attempt: number;
}

export type OutboxHandler = (row: OutboxRow) => Promise<void>;

/** A failure no retry can fix (bad payload, unknown tenant, a 4xx that will not change). */
export class PermanentDeliveryError extends Error {
  readonly permanent = true;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PermanentDeliveryError';
  }
}

const PERMANENT_CODES = new Set([
  'BAD_REQUEST',
  'NOT_FOUND',
  'FORBIDDEN',
  'UNAUTHORIZED',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
]);

export function isPermanent(error: unknown): boolean {
  if (error instanceof PermanentDeliveryError) return true;
  if (isGuichetError(error)) return PERMANENT_CODES.has(error.code);
  // The Twilio notifier's TwilioSendError says whether a retry may help.
  const retryable = (error as { retryable?: unknown } | null)?.retryable;
  return retryable === false;
}

export interface OutboxRelayOptions {
  sql: SqlClient;
  handlers: Record<string, OutboxHandler>;
  logger?: Logger;
  /** Rows per claim (default 20). */
  batchSize?: number;
  /** Idle wait between polls (default 1000 ms); a full batch polls again at once. */
  pollMs?: number;
  /** How long a claimed row is reserved for its handler (default 60 s). */
  leaseMs?: number;
  /** After this many attempts the row is failed (default 10). */
  maxAttempts?: number;
  /** First retry delay, doubled each attempt (default 2 s), capped at maxDelayMs (default 1 h). */
  baseDelayMs?: number;
  maxDelayMs?: number;
}

/** Exponential backoff with ±10 % jitter, so failed rows of one outage do not all retry at the same instant. */
export function retryDelayMs(
  attempt: number,
  baseMs: number,
  maxMs: number,
  random: () => number = Math.random,
): number {
  const exponential = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exponential * (0.9 + 0.2 * random()));
}

const describe = (error: unknown): string =>
  (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).slice(0, 500);

export class OutboxRelay {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  private stopped = true;
  private readonly logger: Logger;
  /**
   * Marks a delivered row. Rows whose handlers end in the same turn of the event loop (a batch's notifications
   * under load) share one UPDATE: one statement per row was a round trip per request created (BENCHMARKS.md). Each
   * delivery still waits for its own mark, and a failed mark is a failed delivery, as before.
   */
  private readonly markDelivered = sameTickGroup<string>(async (ids) => {
    await this.options.sql.query(
      `UPDATE outbox SET status = 'delivered', delivered_at = now(), locked_until = NULL, last_error = NULL
        WHERE id = ANY($1::bigint[])`,
      [ids],
      { prepared: true },
    );
  });

  constructor(private readonly options: OutboxRelayOptions) {
    this.logger = options.logger ?? silentLogger;
  }

  get kinds(): string[] {
    return Object.keys(this.options.handlers);
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  /** Stops polling and waits for the batch in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }

  /** Claims and delivers one batch; returns how many rows it handled. Tests drive the relay with it. */
  runOnce(): Promise<number> {
    // One batch at a time per relay: a poll never overlaps a manual run.
    const previous = this.running ?? Promise.resolve(0);
    const next = previous.catch(() => 0).then(() => this.batch());
    this.running = next;
    return next;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.runOnce()
        .then((n) => this.schedule(n >= (this.options.batchSize ?? 20) ? 0 : (this.options.pollMs ?? 1000)))
        .catch((error: unknown) => {
          this.logger.warn('outbox relay: poll failed', { error: describe(error) });
          this.schedule(Math.max(this.options.pollMs ?? 1000, 5000));
        });
    }, ms);
    this.timer.unref();
  }

  private async batch(): Promise<number> {
    const kinds = this.kinds;
    if (kinds.length === 0) return 0;
    const rows = await this.claim(kinds);
    await Promise.all(rows.map((row) => this.deliver(row)));
    return rows.length;
  }

  private async claim(kinds: string[]): Promise<OutboxRow[]> {
    const leaseMs = this.options.leaseMs ?? 60_000;
    const result = await this.options.sql.query<{
      id: string | number;
      tenant_id: string;
      kind: string;
      payload: Record<string, unknown>;
      dedupe_key: string;
      attempts: number | string;
    }>(
      `WITH due AS (
         SELECT id FROM outbox
         WHERE status = 'pending' AND kind = ANY($1::text[]) AND next_attempt_at <= now()
           AND (locked_until IS NULL OR locked_until <= now())
         ORDER BY next_attempt_at, id
         LIMIT $2
         FOR UPDATE SKIP LOCKED
       )
       UPDATE outbox o SET locked_until = now() + ($3::int * interval '1 millisecond'), attempts = o.attempts + 1
       FROM due WHERE o.id = due.id
       RETURNING o.id, o.tenant_id, o.kind, o.payload, o.dedupe_key, o.attempts`,
      [kinds, this.options.batchSize ?? 20, leaseMs],
      { prepared: true }, // every poll of every instance
    );
    return result.rows.map((r) => ({
      id: String(r.id),
      tenantId: r.tenant_id,
      kind: r.kind,
      payload: r.payload,
      dedupeKey: r.dedupe_key,
      attempt: Number(r.attempts),
    }));
  }

  private async deliver(row: OutboxRow): Promise<void> {
    const handler = this.options.handlers[row.kind];
    try {
      if (!handler) throw new GuichetError('INTERNAL', `No handler for outbox kind ${row.kind}`);
      await handler(row);
      await this.markDelivered(row.id);
    } catch (error) {
      const maxAttempts = this.options.maxAttempts ?? 10;
      const final = isPermanent(error) || row.attempt >= maxAttempts;
      const delay = retryDelayMs(
        row.attempt,
        this.options.baseDelayMs ?? 2000,
        this.options.maxDelayMs ?? 3_600_000,
      );
      this.logger.warn('outbox delivery failed', {
        kind: row.kind,
        id: row.id,
        attempt: row.attempt,
        final,
        error: describe(error),
      });
      await this.options.sql
        .query(
          `UPDATE outbox SET locked_until = NULL, last_error = $2,
             status = CASE WHEN $3::boolean THEN 'failed' ELSE 'pending' END,
             next_attempt_at = CASE WHEN $3::boolean THEN next_attempt_at ELSE now() + ($4::int * interval '1 millisecond') END
           WHERE id = $1`,
          [row.id, describe(error), final, delay],
        )
        .catch((markError: unknown) =>
          this.logger.error('outbox: could not record a failure', { id: row.id, error: describe(markError) }),
        );
    }
  }
}
