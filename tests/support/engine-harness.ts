// A bare engine for dialogue tests: the real NLU and forms with a module under test, memory adapters and
// an in-memory PGlite store, without the territory intents.
import { createEngine, type Engine } from '../../bot/engine';
import type { FallbackModule, IntentModule } from '../../bot/intent-module';
import { createNlu, type Nlu } from '../../bot/nlu';
import type { SharedStore } from '../../bot/ports';
import type { TenantProfile } from '../../bot/tenant';
import { MemoryIdempotencyStore, MemoryLockManager, MemoryStateStore } from '../../adapters/memory';
import { createSharedStore } from '../../adapters/postgres';

export const TEST_TENANT: TenantProfile = {
  id: 'test-tenant',
  name: 'Commune de Test',
  timeZone: 'Europe/Paris',
  noticeShort: 'Notice : vos messages sont traités par la Commune de Test.',
  contactPhone: '01 00 00 00 00',
  contactHoursText: 'du lundi au vendredi, 9 h – 17 h',
};

export interface EngineHarness {
  engine: Engine;
  store: SharedStore;
  close(): Promise<void>;
}

export async function createEngineHarness(
  modules: IntentModule[],
  fallback?: FallbackModule,
  options: { nlu?: Nlu } = {},
): Promise<EngineHarness> {
  const store = createSharedStore({});
  await store.migrate();
  await store.upsertTenants([{ id: TEST_TENANT.id, name: TEST_TENANT.name }]);
  const engine = createEngine({
    nlu: options.nlu ?? createNlu(),
    store,
    state: new MemoryStateStore(),
    locks: new MemoryLockManager(),
    idempotency: new MemoryIdempotencyStore(),
    tenants: { get: (id) => (id === TEST_TENANT.id ? TEST_TENANT : undefined) },
    modules,
    fallback,
  });
  return { engine, store, close: () => store.close() };
}
