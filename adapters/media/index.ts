// Media store adapters and the intake every channel shares (see bot/ports/media-store.ts).
export { PostgresMediaStore } from './postgres';
export { S3MediaStore, type S3MediaConfig } from './s3';
export { cleanImage, sniffImage, NotAnImageError, IMAGE_TYPES, type CleanImage } from './image';
export {
  MediaIntake,
  MediaTooLargeError,
  DEFAULT_MEDIA_MAX_BYTES,
  megabytesFr,
  type AcceptedMedia,
} from './intake';
