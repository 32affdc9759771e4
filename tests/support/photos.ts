// Test photos made on the fly (no binary fixtures): a small JPEG that carries EXIF like a phone's — the
// camera's make and model, the date, and the GPS position where it was taken — written with piexifjs.
import * as piexif from 'piexifjs';
import sharp from 'sharp';

export const PHOTO_POSITION = { lat: 47.0712, lon: 5.9823 }; // Montcey-sur-Loue (val-de-loue fixture)

/** A plain 64×48 JPEG, no metadata. */
export const plainJpeg = (color = '#2a6f97'): Promise<Buffer> =>
  sharp({ create: { width: 64, height: 48, channels: 3, background: color } })
    .jpeg()
    .toBuffer();

export const plainPng = (): Promise<Buffer> =>
  sharp({ create: { width: 32, height: 32, channels: 4, background: '#e76f51' } })
    .png()
    .toBuffer();

/** A JPEG with a phone's EXIF, GPS position included. */
export async function jpegWithGps(position = PHOTO_POSITION): Promise<Buffer> {
  const dms = (deg: number) => piexif.GPSHelper.degToDmsRational(Math.abs(deg));
  const exif = piexif.dump({
    '0th': { [piexif.ImageIFD.Make!]: 'PhoneMaker', [piexif.ImageIFD.Model!]: 'Model X-Secret' },
    GPS: {
      [piexif.GPSIFD.GPSLatitudeRef!]: position.lat >= 0 ? 'N' : 'S',
      [piexif.GPSIFD.GPSLatitude!]: dms(position.lat),
      [piexif.GPSIFD.GPSLongitudeRef!]: position.lon >= 0 ? 'E' : 'W',
      [piexif.GPSIFD.GPSLongitude!]: dms(position.lon),
    },
  });
  const jpeg = await plainJpeg('#f4a261');
  return Buffer.from(piexif.insert(exif, jpeg.toString('binary')), 'binary');
}
