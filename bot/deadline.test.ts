import { withDeadline } from './deadline';

describe('withDeadline', () => {
  const late = () => new Error('trop tard');

  it('gives the answer, or the failure, of a promise that settles in time', async () => {
    await expect(withDeadline(Promise.resolve(42), 1000, late)).resolves.toBe(42);
    await expect(withDeadline(Promise.reject(new Error('refusé')), 1000, late)).rejects.toThrow('refusé');
  });

  it('fails with its own reason once the deadline has passed', async () => {
    await expect(withDeadline(new Promise(() => undefined), 20, late)).rejects.toThrow('trop tard');
  });

  it('leaves no unhandled rejection when the promise fails after the deadline', async () => {
    const unhandled: unknown[] = [];
    const listener = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', listener);
    try {
      const slow = new Promise((_resolve, reject) => setTimeout(() => reject(new Error('après coup')), 40));
      await expect(withDeadline(slow, 10, late)).rejects.toThrow('trop tard');
      await new Promise((resolve) => setTimeout(resolve, 80));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', listener);
    }
  });
});
