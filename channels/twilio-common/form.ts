// The body of a Twilio webhook: application/x-www-form-urlencoded, UTF-8, a few hundred bytes. Read with raw-body
// (its limit, length and abort errors, which the JSON error handler maps to 413 / 400) and parsed with
// URLSearchParams, the platform's own parser for this format. express.urlencoded did the same through a generic
// reader and qs; on every SMS and call step that was ~2.5 % of the server's CPU (BENCHMARKS.md, 2026-12-07).
import { parse as parseContentType } from 'content-type';
import type { RequestHandler } from 'express';
import getRawBody from 'raw-body';
import { GuichetError } from '../../bot/errors';

/** Twilio bodies are a few hundred bytes; 10 media URLs stay far below this. Beyond → 413. */
export const TWILIO_BODY_LIMIT = '32kb';
/** Twilio sends ~20 parameters (~40 with media); more → 413, before any parsing. */
export const TWILIO_PARAMETER_LIMIT = 200;

/**
 * The form's charset (lower case, UTF-8 when unsaid), or undefined when the body is something else: left unread, as a
 * parser would. (content-type's `parse`, 2.x, reads any header leniently and never throws.)
 */
function formCharset(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const parsed = parseContentType(header);
  if (parsed.type !== 'application/x-www-form-urlencoded') return undefined;
  return (parsed.parameters.charset ?? 'utf-8').toLowerCase();
}

/**
 * Repeated names become lists, as body-parser gave them. No prototype (as Node's querystring gave it to body-parser
 * 1.x): a name such as `__proto__` or `constructor` is a plain field.
 */
export function formFields(body: string): Record<string, string | string[]> {
  const fields = Object.create(null) as Record<string, string | string[]>;
  new URLSearchParams(body).forEach((value, name) => {
    const earlier = fields[name];
    fields[name] =
      earlier === undefined ? value : Array.isArray(earlier) ? [...earlier, value] : [earlier, value];
  });
  return fields;
}

/**
 * Sets `req.body` to the webhook's parameters. Another media type leaves the body unread and `req.body` unset (the
 * signature check then refuses the request); a charset other than UTF-8 or a compressed body → 415.
 */
export const twilioForm: RequestHandler = (req, _res, next) => {
  const charset = formCharset(req.headers['content-type']);
  const hasBody =
    req.headers['transfer-encoding'] !== undefined || req.headers['content-length'] !== undefined;
  if (charset === undefined || !hasBody) return next();
  if (charset !== 'utf-8' && charset !== 'utf8')
    return next(new GuichetError('UNSUPPORTED_MEDIA_TYPE', `Unsupported charset "${charset}"`));
  const encoding = req.headers['content-encoding'];
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity')
    return next(new GuichetError('UNSUPPORTED_MEDIA_TYPE', `Unsupported content encoding "${encoding}"`));
  getRawBody(
    req,
    { length: req.headers['content-length'], limit: TWILIO_BODY_LIMIT, encoding: 'utf-8' },
    (error, body) => {
      if (error) return next(error);
      if (body.split('&', TWILIO_PARAMETER_LIMIT + 1).length > TWILIO_PARAMETER_LIMIT)
        return next(new GuichetError('PAYLOAD_TOO_LARGE', 'Too many parameters'));
      req.body = formFields(body);
      next();
    },
  );
};
