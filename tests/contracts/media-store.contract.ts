// Contract of the MediaStore port, run against every implementation (PostgreSQL on PGlite and on a server,
// S3 on a real S3-compatible server): the bytes and type come back as stored, a replaced key holds the new
// object, a missing or deleted key reads as null, and one key never reads another's bytes.
import { newMediaKey, type MediaStore } from '../../bot/ports';

export function mediaStoreContract(open: () => Promise<MediaStore>, close: () => Promise<void>): void {
  let store: MediaStore;
  beforeAll(async () => {
    store = await open();
  });
  afterAll(close);

  // Every byte value, so an encoding that mangles binary (text columns, UTF-8 bodies) shows.
  const binary = Buffer.from(Array.from({ length: 1024 }, (_, i) => i % 256));

  it('gives back the bytes, type and size stored under a key', async () => {
    const key = newMediaKey('pezenas');
    await store.put(key, { contentType: 'image/jpeg', bytes: binary });
    const got = await store.get(key);
    expect(got).toEqual({ contentType: 'image/jpeg', size: 1024, bytes: binary });
  });

  it('reads a key never stored as null', async () => {
    expect(await store.get(newMediaKey('pezenas'))).toBeNull();
  });

  it('replaces the object when the same key is stored again', async () => {
    const key = newMediaKey('pezenas');
    await store.put(key, { contentType: 'image/jpeg', bytes: binary });
    await store.put(key, { contentType: 'image/png', bytes: Buffer.from('second') });
    expect(await store.get(key)).toEqual({
      contentType: 'image/png',
      size: 6,
      bytes: Buffer.from('second'),
    });
  });

  it('deletes an object, and deleting it again is harmless', async () => {
    const key = newMediaKey('pezenas');
    await store.put(key, { contentType: 'image/webp', bytes: binary });
    await store.delete(key);
    expect(await store.get(key)).toBeNull();
    await expect(store.delete(key)).resolves.toBeUndefined();
  });

  it('keeps two keys apart', async () => {
    const a = newMediaKey('pezenas');
    const b = newMediaKey('agde');
    await store.put(a, { contentType: 'image/jpeg', bytes: Buffer.from('a') });
    await store.put(b, { contentType: 'image/jpeg', bytes: Buffer.from('b') });
    expect((await store.get(a))?.bytes.toString()).toBe('a');
    expect((await store.get(b))?.bytes.toString()).toBe('b');
  });
}
