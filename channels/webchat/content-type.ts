import type { RequestHandler } from 'express';

/** The webchat API speaks JSON only: anything else is a 415, before the body is read. */
export const requireContentTypeJson: RequestHandler = (req, res, next) => {
  if (req.is('application/json')) return next();
  res
    .status(415)
    .json({ error: { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'Content-Type must be application/json' } });
};
