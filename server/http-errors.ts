// The edge: typed errors and body-parser failures become clear JSON 4xx answers; anything unexpected
// is a 500 with no stack trace in the body.
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { httpStatusOf, isGuichetError } from '../bot/errors';
import type { Logger } from '../bot/logger';

interface BodyParserError {
  type?: string;
  status?: number;
}

export function jsonErrorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    if (res.headersSent) return;
    if (isGuichetError(err) && httpStatusOf(err.code) >= 500 && (err.code === 'INTERNAL' || err.cause)) {
      // Last resort: a 5xx from a driver or a bug says what kind of failure, never the underlying message
      // (database text, a value); our own 503s ("retry the erasure") keep theirs.
      logger.error('request failed', {
        path: req.path,
        code: err.code,
        error: err.message,
        cause: err.cause instanceof Error ? err.cause.message : undefined,
      });
      res
        .status(httpStatusOf(err.code))
        .json({ error: { code: err.code, message: SERVER_ERRORS[err.code] ?? 'Internal error' } });
      return;
    }
    if (isGuichetError(err)) {
      res
        .status(httpStatusOf(err.code))
        .json({ error: { code: err.code, message: err.message, details: err.details } });
      return;
    }
    const bp = err as BodyParserError;
    if (bp && typeof bp === 'object' && typeof bp.type === 'string') {
      const map: Record<string, [number, string, string]> = {
        'entity.parse.failed': [400, 'BAD_REQUEST', 'The body is not valid JSON'],
        'entity.too.large': [413, 'PAYLOAD_TOO_LARGE', 'The body is too large'],
        'encoding.unsupported': [415, 'UNSUPPORTED_MEDIA_TYPE', 'Unsupported content encoding'],
        'charset.unsupported': [415, 'UNSUPPORTED_MEDIA_TYPE', 'Unsupported charset'],
        'request.aborted': [400, 'BAD_REQUEST', 'The request was aborted'],
        'parameters.too.many': [413, 'PAYLOAD_TOO_LARGE', 'Too many parameters'],
      };
      const hit = map[bp.type];
      if (hit) {
        res.status(hit[0]).json({ error: { code: hit[1], message: hit[2] } });
        return;
      }
    }
    // Any other client error raised by express or a parser (an undecodable %-escape in a path parameter,
    // a corrupt gzip body…) carries its 4xx status: say so, never a 500.
    const status =
      bp && typeof bp === 'object'
        ? ((bp as { status?: unknown; statusCode?: unknown }).status ??
          (bp as { statusCode?: unknown }).statusCode)
        : undefined;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      const [code, message] = CLIENT_ERRORS[status] ?? ['BAD_REQUEST', 'Bad request'];
      res.status(status).json({ error: { code, message } });
      return;
    }
    logger.error('unhandled error', {
      path: req.path,
      error: err instanceof Error ? err.message : String(err),
    });
    res.status(500).json({ error: { code: 'INTERNAL', message: 'Internal error' } });
  };
}

const SERVER_ERRORS: Partial<Record<string, string>> = {
  INTERNAL: 'Internal error',
  DEPENDENCY_UNAVAILABLE: 'A service is temporarily unavailable: please retry shortly',
};

const CLIENT_ERRORS: Record<number, [string, string]> = {
  401: ['UNAUTHORIZED', 'Authentication required'],
  403: ['FORBIDDEN', 'Forbidden'],
  404: ['NOT_FOUND', 'Not found'],
  413: ['PAYLOAD_TOO_LARGE', 'The body is too large'],
  415: ['UNSUPPORTED_MEDIA_TYPE', 'Unsupported media type'],
  429: ['RATE_LIMITED', 'Too many requests'],
};

export const notFoundHandler: RequestHandler = (_req, res) => {
  res.status(404).json({ error: { code: 'NOT_FOUND', message: 'No such route' } });
};
