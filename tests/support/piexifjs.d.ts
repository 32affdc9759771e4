// The part of piexifjs (a dev dependency without type declarations) the photo tests use to write EXIF GPS.
declare module 'piexifjs' {
  export const GPSIFD: Record<string, number>;
  export const ImageIFD: Record<string, number>;
  export const GPSHelper: { degToDmsRational(degrees: number): number[][] };
  export function dump(exif: Record<string, Record<number, unknown>>): string;
  export function insert(exif: string, jpegBinary: string): string;
  export function load(jpegBinary: string): Record<string, Record<number, unknown>>;
}
