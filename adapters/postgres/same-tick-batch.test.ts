// Writes arriving in the same turn of the event loop are handed over together, each answered on its own; what
// arrives while a batch is written goes to the next; a batch whose writing throws answers its unsettled items.
import { sameTickBatch, sameTickGroup } from './same-tick-batch';

describe('sameTickBatch', () => {
  it('hands over what arrived in one turn together, and answers each item with its own result', async () => {
    const batches: number[][] = [];
    const square = sameTickBatch<number, number>(async (waiting) => {
      batches.push(waiting.map((w) => w.item));
      for (const w of waiting) w.resolve(w.item * w.item);
    });
    const first = [square(2), square(3), square(4)];
    expect(await Promise.all(first)).toEqual([4, 9, 16]);
    expect(await square(5)).toBe(25);
    expect(batches).toEqual([[2, 3, 4], [5]]);
  });

  it('puts what arrives while a batch is being written into the next batch', async () => {
    const batches: string[][] = [];
    let late: Promise<void> | undefined;
    const add = sameTickBatch<string, void>(async (waiting) => {
      batches.push(waiting.map((w) => w.item));
      late ??= add('pendant'); // arrives while this batch is written
      await new Promise((r) => setTimeout(r, 5));
      for (const w of waiting) w.resolve();
    });
    await Promise.all([add('a'), add('b')]);
    await late;
    expect(batches).toEqual([['a', 'b'], ['pendant']]);
  });

  it('rejects the items a failing batch left unanswered, and keeps the answers it gave', async () => {
    const add = sameTickBatch<string, string>(async (waiting) => {
      waiting[0]!.resolve('écrit');
      throw new Error('base indisponible');
    });
    const outcomes = await Promise.allSettled([add('a'), add('b')]);
    expect(outcomes).toEqual([
      { status: 'fulfilled', value: 'écrit' },
      { status: 'rejected', reason: new Error('base indisponible') },
    ]);
  });
});

describe('sameTickGroup', () => {
  it('writes a turn’s items at once; every item answers with the write or fails with it', async () => {
    const writes: string[][] = [];
    let failing = false;
    const add = sameTickGroup<string>(async (items) => {
      writes.push(items);
      if (failing) throw new Error('refusé');
    });
    await Promise.all([add('x'), add('y')]);
    failing = true;
    const failed = await Promise.allSettled([add('z'), add('w')]);
    expect(writes).toEqual([
      ['x', 'y'],
      ['z', 'w'],
    ]);
    expect(failed.map((o) => o.status)).toEqual(['rejected', 'rejected']);
  });
});
