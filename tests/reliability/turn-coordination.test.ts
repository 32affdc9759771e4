// Turn coordination on the embedded adapters: one processing per provider message and conversation, a
// duplicate that waits for the owner's answer without ever holding the conversation lock, keys that do not
// show the address, answers kept only as long as needed, and erasure of one address's keys.
import { MemoryIdempotencyStore, MemoryLockManager } from '../../adapters/memory';
import { GuichetError } from '../../bot/errors';
import { silentLogger } from '../../bot/logger';
import { compose } from '../../bot/pipeline';
import {
  conversationScope,
  createTurnCoordination,
  REPLY_KEEP_S,
  type CoordinatedTurn,
  type TurnCoordinationOptions,
} from '../../bot/turn-coordination';

const PHONE = '+33612345678';

function setup(overrides: Partial<TurnCoordinationOptions> = {}) {
  const locks = new MemoryLockManager();
  const idempotency = overrides.idempotency ?? new MemoryIdempotencyStore();
  const coordination = createTurnCoordination<CoordinatedTurn>({
    locks,
    idempotency,
    logger: silentLogger,
    secret: 'test-secret',
    ...overrides,
  });
  let runs = 0;
  /** What the rest of the turn does: by default answers at once; a test may make it wait or fail. */
  let body: (turn: CoordinatedTurn) => Promise<void> = async () => undefined;
  const run = compose<CoordinatedTurn>([
    coordination.claimOnce,
    coordination.holdLock,
    async (turn) => {
      runs += 1;
      await body(turn);
      turn.result = { conversationId: 'c1', replies: [{ type: 'text', text: `réponse ${runs}` }] };
    },
  ]);
  const handle = async (sid: string | undefined, address = PHONE): Promise<CoordinatedTurn> => {
    const turn: CoordinatedTurn = {
      message: { tenantId: 't', channel: 'sms', address, providerMessageId: sid, text: 'bonjour' },
      tenant: { id: 't' },
    };
    await run(turn);
    await turn.released;
    return turn;
  };
  return {
    locks,
    idempotency,
    coordination,
    handle,
    runs: () => runs,
    setBody: (b: typeof body) => (body = b),
    scope: conversationScope('test-secret', { tenantId: 't', channel: 'sms', address: PHONE }),
  };
}

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

describe('turn coordination', () => {
  it('runs a message delivered three times at once once, and answers the three copies the same', async () => {
    const t = setup();
    const gate = deferred();
    t.setBody(() => gate.promise);
    const copies = [t.handle('SM1'), t.handle('SM1'), t.handle('SM1')];
    setTimeout(gate.resolve, 50);
    const turns = await Promise.all(copies);
    expect(t.runs()).toBe(1);
    expect(new Set(turns.map((turn) => JSON.stringify(turn.result?.replies))).size).toBe(1);
    expect(turns.map((turn) => turn.result?.replayed ?? false).sort()).toEqual([false, true, true]);
  });

  it('never lets a duplicate hold the conversation lock while it waits for the owner', async () => {
    const t = setup();
    // The owner, on another instance, claimed the message and now needs the conversation lock.
    await t.idempotency.claim(`${t.scope}:SM2`, 60);
    const duplicate = t.handle('SM2');
    const ownerLock = await t.locks.acquire(t.scope, { ttlMs: 5_000, waitMs: 2_000 });
    const answer = JSON.stringify({ conversationId: 'c1', replies: [{ type: 'text', text: 'owner' }] });
    await t.idempotency.complete(`${t.scope}:SM2`, answer, 60);
    await ownerLock.release();
    const turn = await duplicate;
    expect(turn.result).toEqual({ ...JSON.parse(answer), replayed: true });
    expect(t.runs()).toBe(0);
  });

  it('runs the message itself when the owner failed and gave the claim up', async () => {
    const t = setup();
    const gate = deferred();
    t.setBody(async () => {
      await gate.promise;
      if (t.runs() === 1) throw new GuichetError('DEPENDENCY_UNAVAILABLE', 'store down');
    });
    const owner = t.handle('SM3');
    const duplicate = t.handle('SM3');
    setTimeout(gate.resolve, 30);
    await expect(owner).rejects.toThrow('store down');
    const turn = await duplicate;
    expect(turn.result?.replies).toEqual([{ type: 'text', text: 'réponse 2' }]);
    expect(turn.result?.replayed).toBeUndefined();
  });

  it('gives up with LOCK_TIMEOUT when the owner never answers within the wait', async () => {
    const t = setup({ replayWaitMs: 100 });
    await t.idempotency.claim(`${t.scope}:SM4`, 60);
    await expect(t.handle('SM4')).rejects.toMatchObject({ code: 'LOCK_TIMEOUT' });
  });

  it('processes the same message id from two conversations twice: an id is scoped to its conversation', async () => {
    const t = setup();
    const victim = await t.handle('client-1', 'webchat-victim');
    const other = await t.handle('client-1', 'webchat-attacker');
    expect(t.runs()).toBe(2);
    expect(other.result?.replayed).toBeUndefined();
    expect(other.result?.replies).not.toEqual(victim.result?.replies);
  });

  it('keys an address by a keyed hash: stable, unreadable, different under another secret', () => {
    const address = { tenantId: 't', channel: 'sms', address: PHONE };
    const scope = conversationScope('s1', address);
    expect(scope).toBe(conversationScope('s1', address));
    expect(scope).not.toContain('612345678');
    expect(scope.startsWith('t:sms:')).toBe(true);
    expect(conversationScope('s2', address)).not.toBe(scope);
  });

  it('keeps the answer text only for a while; a later redelivery is still not processed again', async () => {
    let now = Date.now();
    const t = setup({ idempotency: new MemoryIdempotencyStore(() => now) });
    const first = await t.handle('SM5');
    expect((await t.handle('SM5')).result).toEqual({ ...first.result, replayed: true });
    now += (REPLY_KEEP_S + 1) * 1000;
    const late = await t.handle('SM5');
    expect(late.result).toEqual({ conversationId: 'c1', replies: [], replayed: true });
    expect(t.runs()).toBe(1);
  });

  it('forgets the lock and the recorded answers of an erased address', async () => {
    const t = setup();
    await t.handle('SM6');
    await t.coordination.forget({ tenantId: 't', channel: 'sms', address: PHONE });
    expect(await t.idempotency.claim(`${t.scope}:SM6`, 60)).toEqual({ status: 'claimed' });
  });
});
