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
    if (code === '22P02' || code === '23514' || code === '23502' || code === '22003') return 'BAD_REQUEST';
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

export function toGuichetError(error: unknown, what: string): GuichetError {
  if (isGuichetError(error)) return error;
  const code = codeFor(error);
  const detail = error instanceof Error ? error.message : String(error);
  const constraint =
    typeof error === 'object' && error !== null ? (error as { constraint?: unknown }).constraint : undefined;
  return new GuichetError(
    code,
    `${what}: ${detail}`,
    typeof constraint === 'string' ? { constraint } : undefined,
    {
      cause: error,
    },
  );
}
