// What both Twilio channels share at the edge: the form parser with its size limits (form.ts), TwiML answers,
// the tenant from the number called, and the zod error → 400 mapping.
import type { Response } from 'express';
import type { z } from 'zod';
import { GuichetError } from '../../bot/errors';
import type { Logger } from '../../bot/logger';
import type { Territory, TerritoryProvider } from '../../knowledge/territory';

export { TWILIO_BODY_LIMIT, TWILIO_PARAMETER_LIMIT, formFields, twilioForm } from './form';

/**
 * Written directly rather than with express' res.send: a webhook answer is never revalidated, so the ETag (a
 * SHA-1 of every answer), the freshness check and the content-type parsing res.send does were pure cost on
 * every SMS and call step.
 */
export function sendTwiml(res: Response, xml: string, status = 200): void {
  const body = Buffer.from(xml, 'utf8');
  res.statusCode = status;
  res.setHeader('Content-Type', 'text/xml; charset=utf-8');
  res.setHeader('Content-Length', body.length);
  res.end(body);
}

/** The territory owning the number called (`To`, with or without `whatsapp:`), or undefined. */
export function territoryForNumber(territories: TerritoryProvider, to: string): Territory | undefined {
  return territories.current().byTwilioNumber(to);
}

/** Logged with 404 semantics; the caller still gets a polite 200 so Twilio does not retry. */
export function logUnknownNumber(logger: Logger, channel: string, to: string): void {
  logger.warn('unknown Twilio number: no territory owns it (404)', { channel, status: 404, to });
}

export function badRequest(error: z.ZodError): GuichetError {
  const issues = error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  const first = issues[0];
  return new GuichetError(
    'BAD_REQUEST',
    first ? `Invalid Twilio webhook: ${first.path || '(body)'}: ${first.message}` : 'Invalid Twilio webhook',
    issues,
  );
}

/** "whatsapp:+336…" → "+336…". */
export const bareAddress = (address: string): string => address.replace(/^[a-z]+:/i, '').trim();

/** A number that can receive an SMS: E.164, and for France a mobile (06/07), not a landline. */
export function canReceiveSms(number: string): boolean {
  if (!/^\+[1-9]\d{6,14}$/.test(number)) return false;
  if (number.startsWith('+33')) return /^\+33[67]\d{8}$/.test(number);
  return true;
}
