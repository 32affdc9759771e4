// One way in for a citizen's photo, whatever brought it (web chat upload, MMS/WhatsApp media fetched from
// Twilio): size limit, image check, metadata stripped (adapters/media/image.ts), stored under a new key of the
// tenant. The message then carries the internal `media:` URL, never the original bytes or provider URL.
import { mediaUrl, newMediaKey, type MediaStore } from '../../bot/ports';
import type { GeoPoint } from '../../bot/messages';
import { cleanImage } from './image';

/** Default of MEDIA_MAX_BYTES: a phone photo at full resolution. */
export const DEFAULT_MEDIA_MAX_BYTES = 8 * 1024 * 1024;

/** A size limit as a citizen reads it: "8 Mo", "0,1 Mo". */
export const megabytesFr = (bytes: number): string =>
  `${(bytes / (1024 * 1024)).toLocaleString('fr-FR', { maximumFractionDigits: 1 })} Mo`;

export class MediaTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`The photo is larger than ${maxBytes} bytes`);
  }
}

export interface AcceptedMedia {
  key: string;
  url: string;
  contentType: string;
  size: number;
  /** The position the photo's metadata gave (no longer in the stored bytes). */
  position?: GeoPoint;
}

export class MediaIntake {
  constructor(
    readonly store: MediaStore,
    readonly maxBytes: number = DEFAULT_MEDIA_MAX_BYTES,
  ) {}

  /** Throws MediaTooLargeError or NotAnImageError (adapters/media/image.ts) for what is refused. */
  /** `key`: the channel's own (the web chat signs it for its conversation); a random one of the tenant otherwise. */
  async accept(tenantId: string, bytes: Buffer, key: string = newMediaKey(tenantId)): Promise<AcceptedMedia> {
    if (bytes.length > this.maxBytes) throw new MediaTooLargeError(this.maxBytes);
    const image = await cleanImage(bytes);
    await this.store.put(key, { contentType: image.contentType, bytes: image.bytes });
    return {
      key,
      url: mediaUrl(key),
      contentType: image.contentType,
      size: image.bytes.length,
      ...(image.position ? { position: image.position } : {}),
    };
  }
}
