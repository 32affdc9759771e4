// The outbox delivery of the Twilio channels (their declared `delivery: 'outbox'`): one outbox row payload
// {tenantId, channel, to, text} in, the message sent from the territory's Twilio number, shaped for the
// medium (GSM-7 and segment budget on SMS) — shaping is the channel's business, sending the adapter's
// (adapters/twilio's notifier implements ReplySender; adapters never import channels). Invalid rows and
// unknown tenants are permanent failures (GuichetError); a send error says whether a retry may succeed.
import { z } from 'zod';
import { GuichetError } from '../../bot/errors';
import type { TerritoryProvider } from '../../knowledge/territory';
import { normalizePhoneNumber } from '../../knowledge/territory';
import { renderSms } from '../render/sms';
import type { ReplySender } from './ack-then-send';

const e164 = z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 phone number');

export const NotificationPayloadSchema = z.object({
  tenantId: z.string().min(1).max(64),
  /** 'voice': the citizen called; the follow-up goes by SMS to the same number. */
  channel: z.enum(['sms', 'whatsapp', 'voice']),
  to: z
    .string()
    .transform((v) => normalizePhoneNumber(v))
    .pipe(e164),
  text: z.string().trim().min(1).max(4000),
  /** One of the territory's numbers; defaults to its first. */
  from: z
    .string()
    .transform((v) => normalizePhoneNumber(v))
    .pipe(e164)
    .optional(),
});
export type NotificationPayload = z.infer<typeof NotificationPayloadSchema>;

export type NotificationHandler = (payload: unknown) => Promise<unknown[]>;

export function notificationHandler(
  notifier: ReplySender,
  territories: TerritoryProvider,
): NotificationHandler {
  return async (raw) => {
    const parsed = NotificationPayloadSchema.safeParse(raw);
    if (!parsed.success)
      throw new GuichetError('BAD_REQUEST', 'Invalid notification payload', parsed.error.issues);
    const payload = parsed.data;
    const territory = territories.current().get(payload.tenantId);
    if (!territory) throw new GuichetError('NOT_FOUND', `Unknown tenant ${payload.tenantId}`);
    const numbers = territory.channels.twilioNumbers.map(normalizePhoneNumber);
    const from = payload.from && numbers.includes(payload.from) ? payload.from : numbers[0];
    if (!from)
      throw new GuichetError('NOT_FOUND', `Territory ${territory.id} has no Twilio number to send from`);

    const medium = payload.channel === 'whatsapp' ? 'whatsapp' : 'sms';
    const bodies = renderSms([{ type: 'text', text: payload.text }], {
      channel: medium,
      transliterate: territory.sms.transliterate,
      segmentBudget: territory.sms.segmentBudget,
    });
    const sent: unknown[] = [];
    for (const body of bodies) {
      sent.push(
        medium === 'whatsapp'
          ? await notifier.sendWhatsApp(payload.to, from, body)
          : await notifier.sendSms(payload.to, from, body),
      );
    }
    return sent;
  };
}
