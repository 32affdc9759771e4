// MediaStore contract against PostgreSQL (PGlite and a server) and S3 (s3rver, a real S3-compatible server
// from npm, started on loopback with its own directory: the S3 adapter's requests go over HTTP as in
// production, signed with the configured keys).
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import S3rver from 's3rver';
import { PostgresMediaStore } from '../../adapters/media/postgres';
import { S3MediaStore } from '../../adapters/media/s3';
import { createSharedStore, type PostgresSharedStore } from '../../adapters/postgres';
import { databaseUrl, describeWith, uniqueSuffix } from '../support/services';
import { mediaStoreContract } from './media-store.contract';

describe('MediaStore on PostgreSQL (PGlite)', () => {
  let shared: PostgresSharedStore;
  mediaStoreContract(
    async () => {
      shared = createSharedStore({ dataDir: 'memory://', schema: 'guichet_media' });
      await shared.migrate();
      return new PostgresMediaStore(shared.sql);
    },
    () => shared.close(),
  );
});

describeWith('postgres', 'MediaStore on a PostgreSQL server', () => {
  const schema = `test_${uniqueSuffix()}`;
  let shared: PostgresSharedStore;
  afterAll(async () => {
    const admin = new Client({ connectionString: databaseUrl() });
    await admin.connect();
    try {
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    } finally {
      await admin.end();
    }
  });
  mediaStoreContract(
    async () => {
      shared = createSharedStore({ databaseUrl: databaseUrl(), schema, poolSize: 2 });
      await shared.migrate();
      return new PostgresMediaStore(shared.sql);
    },
    () => shared.close(),
  );
});

describe('MediaStore on S3 (s3rver)', () => {
  let dir: string;
  let server: S3rver;
  let store: S3MediaStore;
  mediaStoreContract(
    async () => {
      dir = mkdtempSync(path.join(tmpdir(), 'guichet-s3-'));
      server = new S3rver({
        address: '127.0.0.1',
        port: 0,
        silent: true,
        directory: dir,
        configureBuckets: [{ name: 'guichet-media', configs: [] }],
      });
      const address = (await server.run()) as AddressInfo;
      store = new S3MediaStore({
        endpoint: `http://127.0.0.1:${address.port}`,
        region: 'fr-par',
        bucket: 'guichet-media',
        accessKeyId: 'S3RVER',
        secretAccessKey: 'S3RVER',
        prefix: 'guichet/',
      });
      return store;
    },
    async () => {
      store.close();
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  );

  it('reports a store it cannot use (no such bucket) as an error, not as a missing photo', async () => {
    const address = server.httpServer?.address() as AddressInfo;
    const elsewhere = new S3MediaStore({
      endpoint: `http://127.0.0.1:${address.port}`,
      region: 'fr-par',
      bucket: 'no-such-bucket',
      accessKeyId: 'S3RVER',
      secretAccessKey: 'S3RVER',
    });
    try {
      await expect(elsewhere.get('pezenas/abcdefghijklmnopqrstuv')).rejects.toThrow();
    } finally {
      elsewhere.close();
    }
  });
});
