import { compose, type Middleware } from './pipeline';

describe('middleware pipeline', () => {
  it('runs middleware in order, each around the rest (onion)', async () => {
    const log: string[] = [];
    const mw =
      (name: string): Middleware<{ log: string[] }> =>
      async (ctx, next) => {
        ctx.log.push(`${name}>`);
        await next();
        ctx.log.push(`<${name}`);
      };
    await compose([mw('a'), mw('b'), mw('c')])({ log });
    expect(log).toEqual(['a>', 'b>', 'c>', '<c', '<b', '<a']);
  });

  it('stops when a middleware does not call next (e.g. a replayed message)', async () => {
    const seen: string[] = [];
    await compose<{ seen: string[] }>([
      async (ctx) => {
        ctx.seen.push('short-circuit');
      },
      async (ctx) => {
        ctx.seen.push('never');
      },
    ])({ seen });
    expect(seen).toEqual(['short-circuit']);
  });

  it('propagates errors to the outer middleware, which can clean up', async () => {
    const cleaned: boolean[] = [];
    const run = compose<object>([
      async (_ctx, next) => {
        try {
          await next();
        } finally {
          cleaned.push(true);
        }
      },
      async () => {
        throw new Error('boom');
      },
    ]);
    await expect(run({})).rejects.toThrow('boom');
    expect(cleaned).toEqual([true]);
  });

  it('refuses next() called twice', async () => {
    const run = compose<object>([
      async (_ctx, next) => {
        await next();
        await next();
      },
    ]);
    await expect(run({})).rejects.toThrow(/more than once/);
  });
});
