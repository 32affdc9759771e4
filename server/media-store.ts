// The media store the configuration names (MEDIA_STORE): one definition for the server and the retention CLI,
// which both delete photos.
import { PostgresMediaStore, S3MediaStore } from '../adapters/media';
import type { SqlClient } from '../adapters/postgres';
import type { Logger } from '../bot/logger';
import type { Config } from './config';

/** The AWS SDK's own releases from January 2027 need Node 22 (it says so once, on stderr, as plain text). */
const AWS_SDK_NODE = 22;

export function createMediaStore(
  config: Config,
  sql: SqlClient,
  logger?: Logger,
): PostgresMediaStore | S3MediaStore {
  if (config.MEDIA_STORE === 's3' && Number(process.versions.node.split('.')[0]) < AWS_SDK_NODE) {
    // Said in the server's own JSON log, once, instead of the SDK's plain-text warning (every log line is JSON).
    logger?.warn(
      'AWS SDK: its releases from January 2027 need Node 22; this server runs Node ' + process.versions.node,
      {
        mediaStore: 's3',
      },
    );
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  }
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
