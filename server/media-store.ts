// The media store the configuration names (MEDIA_STORE): one definition for the server and the retention CLI,
// which both delete photos.
import { PostgresMediaStore, S3MediaStore } from '../adapters/media';
import type { SqlClient } from '../adapters/postgres';
import type { Config } from './config';

export function createMediaStore(config: Config, sql: SqlClient): PostgresMediaStore | S3MediaStore {
  return config.MEDIA_STORE === 's3'
    ? new S3MediaStore({
        endpoint: config.S3_ENDPOINT ?? '',
        region: config.S3_REGION,
        bucket: config.S3_BUCKET ?? '',
        accessKeyId: config.S3_ACCESS_KEY_ID ?? '',
        secretAccessKey: config.S3_SECRET_ACCESS_KEY ?? '',
        prefix: config.S3_PREFIX,
      })
    : new PostgresMediaStore(sql);
}
