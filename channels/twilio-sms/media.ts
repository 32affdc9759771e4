// MMS and WhatsApp photos: Twilio gives a MediaUrl, readable with the account's credentials (HTTP basic auth)
// and redirecting to its storage. The photo is fetched at once (Twilio deletes media on request, and a request
// must not depend on Twilio keeping it), with a timeout and a byte limit read as it streams, then checked and
// stored by the shared intake (adapters/media): the message carries the internal media: URL. What cannot be
// received (Twilio slow or down, not an image, too large) is left out of the message and the citizen is told,
// so the conversation goes on and they can send it again.
import type { Media } from '../../bot/messages';
import { MediaTooLargeError, NotAnImageError, megabytesFr, type MediaIntake } from '../../adapters/media';

export interface TwilioMediaOptions {
  intake: MediaIntake;
  /** MEDIA_FETCH_TIMEOUT_MS: the whole fetch, body included. */
  timeoutMs: number;
  accountSid?: string;
  authToken?: string;
  /** TWILIO_API_BASE_URL: its host is Twilio's too (a relay, a fake in tests). */
  apiBaseUrl?: string;
}

export type MediaProblem = 'unreachable' | 'not_image' | 'too_large';

export type MediaResult = { media: Media[]; problems: MediaProblem[] };

const ACCEPTED_TYPES = /^image\/(jpeg|png|webp)$/i;

class TooLarge extends Error {}

/** Only Twilio's own hosts get the account's credentials (a forged or dev-mode webhook could name any URL). */
function isTwilioUrl(url: URL, apiBaseUrl?: string): boolean {
  if (apiBaseUrl && url.host === new URL(apiBaseUrl).host) return true;
  return url.protocol === 'https:' && (url.hostname === 'twilio.com' || url.hostname.endsWith('.twilio.com'));
}

async function readLimited(body: ReadableStream<Uint8Array>, maxBytes: number): Promise<Buffer> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new TooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

async function fetchOne(
  item: Media,
  tenantId: string,
  options: TwilioMediaOptions,
): Promise<Media | MediaProblem> {
  if (item.contentType && !ACCEPTED_TYPES.test(item.contentType)) return 'not_image';
  const url = new URL(item.url);
  if (!isTwilioUrl(url, options.apiBaseUrl)) return 'unreachable';
  const headers: Record<string, string> = {};
  if (options.accountSid && options.authToken)
    headers.Authorization = `Basic ${Buffer.from(`${options.accountSid}:${options.authToken}`).toString('base64')}`;
  const { maxBytes } = options.intake;
  let bytes: Buffer;
  try {
    const res = await fetch(url, {
      headers,
      signal: AbortSignal.timeout(options.timeoutMs),
      redirect: 'follow',
    });
    if (!res.ok || !res.body) {
      await res.body?.cancel().catch(() => undefined);
      return 'unreachable';
    }
    const type = res.headers.get('content-type')?.split(';')[0]?.trim() ?? '';
    if (!ACCEPTED_TYPES.test(type)) {
      await res.body.cancel().catch(() => undefined);
      return 'not_image';
    }
    const declared = Number(res.headers.get('content-length'));
    if (Number.isFinite(declared) && declared > maxBytes) {
      await res.body.cancel().catch(() => undefined);
      return 'too_large';
    }
    bytes = await readLimited(res.body, maxBytes);
  } catch (error) {
    return error instanceof TooLarge ? 'too_large' : 'unreachable';
  }
  try {
    const saved = await options.intake.accept(tenantId, bytes);
    return { url: saved.url, contentType: saved.contentType };
  } catch (error) {
    if (error instanceof MediaTooLargeError) return 'too_large';
    if (error instanceof NotAnImageError) return 'not_image';
    throw error; // the store itself failed: the turn's own error handling answers
  }
}

/** Fetches and stores every photo of the message; what could not be received is reported, not thrown. */
export async function receiveTwilioMedia(
  items: readonly Media[],
  tenantId: string,
  options: TwilioMediaOptions,
): Promise<MediaResult> {
  const results = await Promise.all(items.map((item) => fetchOne(item, tenantId, options)));
  return {
    media: results.filter((r): r is Media => typeof r !== 'string'),
    problems: results.filter((r): r is MediaProblem => typeof r === 'string'),
  };
}

/** What the citizen is told when a photo did not arrive (French: the territory's language on SMS). */
export function mediaProblemText(problems: readonly MediaProblem[], maxBytes: number): string | undefined {
  if (problems.length === 0) return undefined;
  if (problems.includes('too_large'))
    return `Votre photo est trop lourde (plus de ${megabytesFr(maxBytes)}) et n’a pas été reçue. Vous pouvez en envoyer une plus légère.`;
  if (problems.includes('not_image'))
    return 'Seules les photos (JPEG, PNG ou WebP) sont acceptées : votre fichier n’a pas été reçu.';
  return 'Votre photo n’a pas pu être reçue. Vous pouvez la renvoyer.';
}
