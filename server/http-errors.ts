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
    if (isGuichetError(err)) {
      res.status(httpStatusOf(err.code)).json({ error: { code: err.code, message: err.message, details: err.details } });
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
      if (typeof bp.status === 'number' && bp.status >= 400 && bp.status < 500) {
        res.status(bp.status).json({ error: { code: 'BAD_REQUEST', message: 'Bad request' } });
        return;
      }
    }
    logger.error('unhandled error', { path: req.path, error: err instanceof Error ? err.message : String(err) });
    res.status(500).json({ error: { code: 'INTERNAL', message: 'Internal error' } });
  };
}

export const notFoundHandler: RequestHandler = (_req, res) => {
  res.status(404).json({ error: { code: 'NOT_FOUND', message: 'No such route' } });
};
