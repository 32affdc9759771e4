// Where the photos citizens send are kept (web chat uploads, MMS/WhatsApp media fetched from Twilio): a blob
// store by key, PostgreSQL by default (adapters/media/postgres.ts) and S3-compatible for production
// (adapters/media/s3.ts). A message carries the photo as an internal `media:` URL naming the key, never the
// provider's URL: Twilio's needs the account's credentials, and nothing stored is public unless an agent
// publishes it (the back office keeps that flag, not the store).
import { randomBytes } from 'node:crypto';

export interface MediaObject {
  contentType: string;
  bytes: Buffer;
}

export interface StoredMedia extends MediaObject {
  /** Bytes stored (the store's own count, not the sender's claim). */
  size: number;
}

export interface MediaStore {
  /** Stores (or replaces) the object under `key`. */
  put(key: string, media: MediaObject): Promise<void>;
  get(key: string): Promise<StoredMedia | null>;
  /** Deleting a missing key is not an error (retention jobs may run twice). */
  delete(key: string): Promise<void>;
}

/** `<tenant>/<random id>`: the tenant is part of the key so one tenant's URL never reads another's photo. */
export const MEDIA_KEY_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}\/[A-Za-z0-9_-]{16,64}$/;

export const newMediaKey = (tenantId: string): string =>
  `${tenantId}/${randomBytes(18).toString('base64url')}`;

const SCHEME = 'media:';

/** The URL a message and a request payload carry for a stored photo. */
export const mediaUrl = (key: string): string => `${SCHEME}${key}`;

/** The key of an internal media URL, or null for any other URL (an Open311 client's own link…). */
export function mediaKeyOf(url: string): string | null {
  if (!url.startsWith(SCHEME)) return null;
  const key = url.slice(SCHEME.length);
  return MEDIA_KEY_PATTERN.test(key) ? key : null;
}

/** The tenant a key belongs to. */
export const mediaTenantOf = (key: string): string => key.slice(0, key.indexOf('/'));

/**
 * Every stored photo a JSON value names (a request payload, a message payload), wherever it sits: an erasure
 * must find them all, including in shapes added after it was written.
 */
export function mediaKeysIn(value: unknown, found: Set<string> = new Set()): string[] {
  if (typeof value === 'string') {
    const key = mediaKeyOf(value);
    if (key) found.add(key);
  } else if (Array.isArray(value)) for (const item of value) mediaKeysIn(item, found);
  else if (value && typeof value === 'object')
    for (const item of Object.values(value)) mediaKeysIn(item, found);
  return [...found];
}
