// The fields of Twilio's incoming-message webhook we use (SMS, MMS, WhatsApp). Twilio sends many more
// (ToCountry, SmsStatus, ApiVersion…) and adds new ones over time: unknown fields are accepted.
import { z } from 'zod';
import { cleanUnsafeText } from '../../bot/unsafe-text';
import { MAX_TEXT_LENGTH, MediaSchema, type GeoPoint, type Media } from '../../bot/messages';

// A NUL or a lone surrogate (a broken handset, a forged request) is cleaned, never a failed turn.
const clean = (v: unknown) => (typeof v === 'string' ? cleanUnsafeText(v) : v);
const blankToUndefined = (v: unknown) => (v === '' ? undefined : clean(v));
const coordinate = (limit: number) =>
  z.preprocess(blankToUndefined, z.coerce.number().min(-limit).max(limit).optional());
const optionalText = (max: number) => z.preprocess(blankToUndefined, z.string().max(max).optional());

export const MAX_MEDIA = 10;

export const SmsWebhookSchema = z.looseObject({
  MessageSid: z.string().regex(/^[A-Z]{2}[0-9a-f]{32}$/i, 'must be a Twilio message SID'),
  AccountSid: z.string().regex(/^AC[0-9a-f]{32}$/i, 'must be a Twilio account SID'),
  From: z.preprocess(clean, z.string().trim().min(3).max(64)),
  To: z.preprocess(clean, z.string().trim().min(3).max(64)),
  Body: z.preprocess(
    clean,
    z.string().max(MAX_TEXT_LENGTH, `must be at most ${MAX_TEXT_LENGTH} characters`).default(''),
  ),
  NumMedia: z.preprocess(blankToUndefined, z.coerce.number().int().min(0).max(MAX_MEDIA).default(0)),
  /** A location shared on WhatsApp. */
  Latitude: coordinate(90),
  Longitude: coordinate(180),
  Address: optionalText(300),
  Label: optionalText(300),
  ProfileName: optionalText(200),
  /** A tapped button (quick-reply) or list item (list picker) of a WhatsApp menu template: its id. */
  ButtonPayload: optionalText(200),
  ListId: optionalText(200),
});
export type SmsWebhook = z.infer<typeof SmsWebhookSchema>;

/** MediaUrl0…MediaUrlN-1 with their content types; a missing or invalid URL is a 400. */
export function mediaOf(hook: SmsWebhook): { media: Media[] } | { error: string } {
  const media: Media[] = [];
  const fields = hook as Record<string, unknown>;
  for (let i = 0; i < hook.NumMedia; i += 1) {
    const parsed = MediaSchema.safeParse({
      url: fields[`MediaUrl${i}`],
      contentType:
        typeof fields[`MediaContentType${i}`] === 'string' && fields[`MediaContentType${i}`] !== ''
          ? fields[`MediaContentType${i}`]
          : undefined,
    });
    if (!parsed.success) return { error: `MediaUrl${i} must be a URL` };
    media.push(parsed.data);
  }
  return { media };
}

/** A location is a pair: one coordinate alone is ignored. */
export function locationOf(hook: SmsWebhook): GeoPoint | undefined {
  if (hook.Latitude === undefined || hook.Longitude === undefined) return undefined;
  const label = hook.Address ?? hook.Label;
  return { lat: hook.Latitude, lon: hook.Longitude, ...(label ? { label } : {}) };
}

/**
 * The text of the turn: the number of a menu choice tapped on WhatsApp (the menu templates' ids are the
 * choices' numbers, channels/render/whatsapp.ts), as if typed; otherwise the message as written.
 */
export function textOf(hook: SmsWebhook): string {
  const tapped = hook.ButtonPayload ?? hook.ListId;
  return tapped && /^\d{1,2}$/.test(tapped.trim()) ? tapped.trim() : hook.Body;
}
