// Typed errors with a closed list of codes, mapped to HTTP / TwiML only at the edge (see server/http-errors.ts).
export const ERROR_CODES = [
  'BAD_REQUEST',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'RATE_LIMITED',
  'STALE_STATE',
  'LOCK_TIMEOUT',
  'DEPENDENCY_UNAVAILABLE',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export class GuichetError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'GuichetError';
  }
}

export const isGuichetError = (e: unknown): e is GuichetError => e instanceof GuichetError;

const HTTP_STATUS: Record<ErrorCode, number> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  STALE_STATE: 409,
  LOCK_TIMEOUT: 503,
  DEPENDENCY_UNAVAILABLE: 503,
  INTERNAL: 500,
};

export const httpStatusOf = (code: ErrorCode): number => HTTP_STATUS[code];
