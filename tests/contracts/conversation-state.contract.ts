// Contract of ConversationStateStore, run against every implementation (memory, Redis).
import { randomUUID } from 'node:crypto';
import type { ConversationStateStore, JsonObject } from '../../bot/ports';
import { expectGuichetError, sleep } from './helpers';

export interface StateStoreFixture {
  store: ConversationStateStore;
  /** Called after each test. */
  dispose?: () => Promise<void>;
}

export function conversationStateContract(make: () => StateStoreFixture | Promise<StateStoreFixture>): void {
  let fixture: StateStoreFixture;
  let store: ConversationStateStore;
  const key = (): string => `conv-${randomUUID()}`;

  beforeEach(async () => {
    fixture = await make();
    store = fixture.store;
  });
  afterEach(async () => {
    await fixture.dispose?.();
  });

  const sample: JsonObject = {
    form: { name: 'report-incident', slots: { category: 'voirie', address: '12 rue de l’Église, Pézenas' } },
    history: [
      { role: 'user', text: 'Il y a un nid-de-poule près de l’école' },
      { role: 'bot', text: 'Où exactement ? 📍' },
    ],
    fallbacks: 0,
    locale: 'fr',
    confirmed: false,
    handover: null,
  };

  it('has nothing for an unknown conversation', async () => {
    await expect(store.get(key())).resolves.toBeNull();
  });

  it('gives back what was written, with the version it returned', async () => {
    const k = key();
    const version = await store.set(k, sample, 0, 60);
    expect(version).toBeGreaterThan(0);
    await expect(store.get(k)).resolves.toEqual({ data: sample, version });
  });

  it('increases the version on every write', async () => {
    const k = key();
    const v1 = await store.set(k, { step: 1 }, 0, 60);
    const v2 = await store.set(k, { step: 2 }, v1, 60);
    const v3 = await store.set(k, { step: 3 }, v2, 60);
    expect(v2).toBeGreaterThan(v1);
    expect(v3).toBeGreaterThan(v2);
    await expect(store.get(k)).resolves.toEqual({ data: { step: 3 }, version: v3 });
  });

  it('rejects a write based on an old version and keeps the newer state', async () => {
    const k = key();
    const v1 = await store.set(k, { step: 1 }, 0, 60);
    const v2 = await store.set(k, { step: 2 }, v1, 60);
    await expectGuichetError(store.set(k, { step: 'stale' }, v1, 60), 'STALE_STATE');
    await expect(store.get(k)).resolves.toEqual({ data: { step: 2 }, version: v2 });
  });

  it('rejects a first write when the state already exists', async () => {
    const k = key();
    const v1 = await store.set(k, { owner: 'first' }, 0, 60);
    await expectGuichetError(store.set(k, { owner: 'second' }, 0, 60), 'STALE_STATE');
    await expect(store.get(k)).resolves.toEqual({ data: { owner: 'first' }, version: v1 });
  });

  it('rejects a write expecting a version that never existed', async () => {
    await expectGuichetError(store.set(key(), { step: 1 }, 5, 60), 'STALE_STATE');
  });

  it('lets exactly one of several concurrent writers of the same version win', async () => {
    const k = key();
    const v1 = await store.set(k, { n: 0 }, 0, 60);
    const results = await Promise.allSettled([1, 2, 3, 4, 5].map((n) => store.set(k, { n }, v1, 60)));
    const won = results.filter((r) => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    const state = await store.get(k);
    expect(state?.version).toBe((won[0] as PromiseFulfilledResult<number>).value);
    expect([1, 2, 3, 4, 5]).toContain(state?.data.n);
  });

  it('keeps conversations apart', async () => {
    const a = key();
    const b = key();
    await store.set(a, { who: 'a' }, 0, 60);
    await expect(store.get(b)).resolves.toBeNull();
    await store.set(b, { who: 'b' }, 0, 60);
    expect((await store.get(a))?.data).toEqual({ who: 'a' });
  });

  it('forgets a state after its TTL', async () => {
    const k = key();
    await store.set(k, { step: 1 }, 0, 0.3);
    await sleep(700);
    await expect(store.get(k)).resolves.toBeNull();
    // Expired means absent: a new conversation starts at "must not exist".
    expect(await store.set(k, { step: 'again' }, 0, 60)).toBeGreaterThan(0);
  });

  it('renews the TTL on each write', async () => {
    // Wide margins: a busy CI machine oversleeps by hundreds of milliseconds (a 0.6 s TTL expired before the
    // second write). The two waits together outlast one TTL, so only a renewed TTL keeps the state.
    const k = key();
    const v1 = await store.set(k, { step: 1 }, 0, 3);
    await sleep(1_800);
    await store.set(k, { step: 2 }, v1, 3);
    await sleep(1_800);
    expect((await store.get(k))?.data).toEqual({ step: 2 });
  });

  it('deletes a state, after which a first write succeeds', async () => {
    const k = key();
    await store.set(k, sample, 0, 60);
    await store.delete(k);
    await expect(store.get(k)).resolves.toBeNull();
    expect(await store.set(k, { fresh: true }, 0, 60)).toBeGreaterThan(0);
    await store.delete(key()); // deleting an absent key is fine
  });

  it('stores a copy: changing an object after writing or reading it changes nothing stored', async () => {
    const k = key();
    const data: JsonObject = { slots: { a: 1 } };
    await store.set(k, data, 0, 60);
    (data.slots as JsonObject).a = 2;
    const read = await store.get(k);
    (read?.data.slots as JsonObject).a = 3;
    expect((await store.get(k))?.data).toEqual({ slots: { a: 1 } });
  });

  it('refuses a TTL that is not positive', async () => {
    await expectGuichetError(store.set(key(), { a: 1 }, 0, 0), 'BAD_REQUEST');
  });

  it('answers ping', async () => {
    await expect(store.ping()).resolves.toBeUndefined();
  });
}
