// Maps driver errors (pg, PGlite) to GuichetError codes, so callers never see driver types.
import { GuichetError, isGuichetError, type ErrorCode } from '../../bot/errors';

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'EAI_AGAIN',
]);

function codeFor(error: unknown): ErrorCode {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  const message = error instanceof Error ? error.message : '';
  if (typeof code === 'string') {
    if (code === '23505') return 'CONFLICT'; // unique violation (a reference, a dedupe key, an open conversation)
    // The referenced tenant / conversation / request does not exist (P0002: raised by guichet_fail).
    if (code === '23503' || code === 'P0002') return 'NOT_FOUND';
    // 22021 / 22P05: a NUL character or an invalid Unicode escape the boundary should have refused.
    if (['22P02', '23514', '23502', '22003', '22021', '22P05', '22001'].includes(code)) return 'BAD_REQUEST';
    if (
      code.startsWith('08') ||
      code === '57P01' ||
      code === '57P03' ||
      code === '53300' ||
      NETWORK_CODES.has(code)
    ) {
      return 'DEPENDENCY_UNAVAILABLE';
    }
  }
  if (
    /Connection terminated|timeout exceeded when trying to connect|Cannot use a pool after calling end|PGlite is closed/i.test(
      message,
    )
  ) {
    return 'DEPENDENCY_UNAVAILABLE';
  }
  return 'INTERNAL';
}

const PUBLIC_MESSAGES: Partial<Record<ErrorCode, string>> = {
  CONFLICT: 'this record already exists',
  NOT_FOUND: 'a record it refers to does not exist',
  BAD_REQUEST: 'a value is not valid',
  DEPENDENCY_UNAVAILABLE: 'the database is unavailable',
};

/** A unique violation from the driver (pg or PGlite), of `constraint` when it is named. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { code?: unknown; constraint?: unknown };
  return e.code === '23505' && (constraint === undefined || e.constraint === constraint);
}

export function toGuichetError(error: unknown, what: string): GuichetError {
  if (isGuichetError(error)) return error;
  const code = codeFor(error);
  const constraint =
    typeof error === 'object' && error !== null ? (error as { constraint?: unknown }).constraint : undefined;
  // The driver's text (table, column, constraint, the value itself) stays in the cause, for the logs:
  // an answer never carries a database message.
  return new GuichetError(
    code,
    `${what}: ${PUBLIC_MESSAGES[code] ?? 'database error'}`,
    typeof constraint === 'string' ? { constraint } : undefined,
    {
      cause: error,
    },
  );
}
