// Request size policy. Every body parser has its own small limit (web chat 16 kB, Twilio 32 kB, API
// bodies…); this guard runs first for every request and refuses, before a byte of body is read, what no
// route accepts: a declared body above MAX_BODY_BYTES, or a URL longer than MAX_URL_LENGTH.
import type { RequestHandler } from 'express';

/** Largest body any route accepts (Bot Framework activities are the biggest legitimate ones). */
export const MAX_BODY_BYTES = 256 * 1024;
/** Longest URL (path + query) accepted: Open311 and API filters stay far below. */
export const MAX_URL_LENGTH = 4096;

export interface SizeLimits {
  maxBodyBytes?: number;
  maxUrlLength?: number;
  /**
   * Upload routes (photos: several MB) get their own body limit instead of the general one, still refused
   * before the body is read, with the route's own message if it has one (the web chat's is in French).
   */
  uploads?: readonly UploadLimit[];
}

export interface UploadLimit {
  path: RegExp;
  maxBytes: number;
  message?: string;
}

export function requestSizeGuard(limits: SizeLimits = {}): RequestHandler {
  const maxBody = limits.maxBodyBytes ?? MAX_BODY_BYTES;
  const maxUrl = limits.maxUrlLength ?? MAX_URL_LENGTH;
  return (req, res, next) => {
    if (req.originalUrl.length > maxUrl) {
      res
        .status(414)
        .json({ error: { code: 'BAD_REQUEST', message: `The URL is longer than ${maxUrl} characters` } });
      return;
    }
    const declared = req.headers['content-length'];
    const upload = limits.uploads?.find((u) => u.path.test(req.path));
    const limit = upload?.maxBytes ?? maxBody;
    if (declared !== undefined) {
      const length = Number(declared);
      if (!Number.isSafeInteger(length) || length < 0) {
        res.status(400).json({ error: { code: 'BAD_REQUEST', message: 'Invalid Content-Length' } });
        return;
      }
      if (length > limit) {
        // The body is not read: close the connection rather than drain it.
        res.set('Connection', 'close');
        res.status(413).json({
          error: {
            code: 'PAYLOAD_TOO_LARGE',
            message: upload?.message ?? `The body is larger than ${limit} bytes`,
          },
        });
        return;
      }
    }
    next();
  };
}
