// Small helpers shared by the public-service conversation tests.
import nock from 'nock';
import { MemoryIdempotencyStore, MemoryLockManager, MemoryStateStore } from '../../adapters/memory';
import { ApiAdresseGeocoder } from '../../adapters/geocoder';
import { createEngine, type Engine } from '../../bot/engine';
import { createNlu } from '../../bot/nlu';
import { createIntents } from '../../intents';
import type { Container } from '../../server/container';
import { tenantDirectory } from '../../server/tenants';
import type { Talk } from '../support/conversation';
import { createTestContainer } from '../support/harness';

/** The instant of every turn: a Tuesday morning in March (ages and dates are computed from it). */
export const NOW = new Date('2026-03-10T09:30:00Z');

const REFERENCE = /DEM-\d{4}-[0-9A-Z]{6}/;

/** The request reference announced in the last replies (fails the test when there is none). */
export function announcedReference(t: Talk): string {
  const match = REFERENCE.exec(t.lastText());
  if (!match) throw new Error(`No reference in the last replies:\n${t.dump()}`);
  return match[0];
}

/** The contact id behind a scripted conversation (its channel address). */
export async function contactOf(container: Container, t: Talk): Promise<string> {
  const conversation = await container.store.findConversation({
    tenantId: t.options.tenantId,
    channel: t.options.channel,
    address: t.options.address,
  });
  if (!conversation) throw new Error('The conversation was never opened');
  return conversation.contactId;
}

/** Runs a scripted conversation to its end (a typed wrapper: awaiting the Talk thenable directly does not type-check). */
export const done = (t: Talk): Promise<void> =>
  new Promise((resolve, reject) => {
    t.then(() => resolve(), reject);
  });

/**
 * One test container for the whole file, with the network closed but for nock (mocks cleaned after each test):
 * `let container: Container; withClosedNetworkContainer((c) => (container = c));`
 */
export function withClosedNetworkContainer(use: (container: Container) => void): void {
  let container: Container | undefined;
  beforeAll(async () => {
    nock.disableNetConnect();
    container = await createTestContainer();
    use(container);
  });
  afterEach(() => {
    nock.abortPendingRequests();
    nock.cleanAll();
  });
  afterAll(async () => {
    await container?.close();
    nock.enableNetConnect();
  });
}

/**
 * The server restarted: a new engine over the same shared store (transcripts, requests), with a fresh in-memory
 * conversation state, as after a restart without Redis. Talk to it with the same channel address.
 */
export function restartedEngine(container: Container): Engine {
  const intents = createIntents({
    territories: container.territories,
    geocoder: new ApiAdresseGeocoder({
      baseUrl: container.config.GEOCODER_URL,
      timeoutMs: container.config.GEOCODER_TIMEOUT_MS,
    }),
  });
  return createEngine({
    nlu: createNlu(),
    store: container.store,
    state: new MemoryStateStore(),
    locks: new MemoryLockManager(),
    idempotency: new MemoryIdempotencyStore(),
    tenants: tenantDirectory(container.territories),
    modules: intents.modules,
    fallback: intents.fallback,
    confidenceThreshold: container.config.NLU_CONFIDENCE_THRESHOLD,
  });
}
