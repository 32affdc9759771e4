// The media store on an S3-compatible object store (AWS S3, Scaleway, OVHcloud, MinIO, Garage…), for
// territories whose photos would weigh on the database. Path-style addressing: most self-hosted servers
// need it, and AWS still accepts it. The bucket stays private: photos are served through the back office.
import {
  DeleteObjectCommand,
  GetObjectCommand,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import type { MediaObject, MediaStore, StoredMedia } from '../../bot/ports';

export interface S3MediaConfig {
  endpoint: string;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Prepended to every key, so one bucket can hold several deployments. */
  prefix?: string;
}

export class S3MediaStore implements MediaStore {
  private readonly client: S3Client;

  constructor(private readonly config: S3MediaConfig) {
    this.client = new S3Client({
      endpoint: config.endpoint,
      region: config.region,
      forcePathStyle: true,
      credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
    });
  }

  private keyOf(key: string): string {
    return `${this.config.prefix ?? ''}${key}`;
  }

  async put(key: string, media: MediaObject): Promise<void> {
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.config.bucket,
        Key: this.keyOf(key),
        Body: media.bytes,
        ContentType: media.contentType,
        ContentLength: media.bytes.length,
      }),
    );
  }

  async get(key: string): Promise<StoredMedia | null> {
    try {
      const out = await this.client.send(
        new GetObjectCommand({ Bucket: this.config.bucket, Key: this.keyOf(key) }),
      );
      if (!out.Body) return null;
      const bytes = Buffer.from(await out.Body.transformToByteArray());
      return { contentType: out.ContentType ?? 'application/octet-stream', size: bytes.length, bytes };
    } catch (error) {
      if (error instanceof NoSuchKey || (error as { name?: string }).name === 'NoSuchKey') return null;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.config.bucket, Key: this.keyOf(key) }));
  }

  close(): void {
    this.client.destroy();
  }
}
