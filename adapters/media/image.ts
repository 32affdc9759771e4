// What a citizen's photo goes through before it is stored, whatever the channel: its first bytes must say
// JPEG, PNG or WebP (a declared type alone proves nothing), and it is re-encoded by sharp, which drops every
// metadata block (EXIF, XMP, IPTC: the phone's model, the date, the position where it was taken) — privacy
// by default. The GPS position is read before, and only returned: the web chat offers to use it as the
// report's place, and it is used only if the citizen agrees.
import exifr from 'exifr';
import sharp from 'sharp';
import type { GeoPoint } from '../../bot/messages';
import { sniffImage, type ImageType } from './image-type';

export { IMAGE_TYPES, sniffImage, type ImageType } from './image-type';

export interface CleanImage {
  contentType: ImageType;
  bytes: Buffer;
  /** Where the photo was taken, if the file said so (the stored bytes no longer do). */
  position?: GeoPoint;
}

export class NotAnImageError extends Error {}

async function positionOf(bytes: Buffer): Promise<GeoPoint | undefined> {
  try {
    const gps = (await exifr.gps(bytes)) as { latitude?: number; longitude?: number } | undefined;
    const lat = gps?.latitude;
    const lon = gps?.longitude;
    if (typeof lat !== 'number' || typeof lon !== 'number' || !Number.isFinite(lat) || !Number.isFinite(lon))
      return undefined;
    if (Math.abs(lat) > 90 || Math.abs(lon) > 180) return undefined;
    return { lat, lon };
  } catch {
    return undefined; // unreadable metadata: no position, the photo itself is still fine
  }
}

/** Checks and cleans an image; throws NotAnImageError for anything that is not a readable JPEG/PNG/WebP. */
export async function cleanImage(bytes: Buffer): Promise<CleanImage> {
  const type = sniffImage(bytes);
  if (!type) throw new NotAnImageError('not a JPEG, PNG or WebP image');
  const position = await positionOf(bytes);
  let cleaned: Buffer;
  try {
    // rotate() applies the EXIF orientation first, so the photo still stands the right way without it;
    // sharp writes no metadata unless asked (withMetadata), which is the point.
    const image = sharp(bytes, { limitInputPixels: 50_000_000, failOn: 'error' }).rotate();
    cleaned =
      type === 'image/jpeg'
        ? await image.jpeg({ quality: 85 }).toBuffer()
        : type === 'image/png'
          ? await image.png().toBuffer()
          : await image.webp({ quality: 85 }).toBuffer();
  } catch {
    throw new NotAnImageError('the image could not be read');
  }
  return { contentType: type, bytes: cleaned, ...(position ? { position } : {}) };
}
