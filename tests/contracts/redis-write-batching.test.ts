// The Redis client sends every command issued in one turn of the event loop in one socket write (see
// batchWritesPerLoopTurn in adapters/redis/client.ts): fewer system calls and fewer wake-ups of Redis per SMS turn,
// and the answers still come back to the right callers, in order.
import type { Socket } from 'node:net';
import { closeClient, createRedisClient, type RedisClient } from '../../adapters/redis';
import { describeWith, redisUrl } from '../support/services';

describeWith('redis', 'Redis client write batching', () => {
  let client: RedisClient;
  let writes = 0;
  const prefix = `batching:${process.pid}:${Date.now()}:`;

  beforeAll(async () => {
    client = createRedisClient(redisUrl());
    if (client.status !== 'ready') await new Promise((resolve) => client.once('ready', resolve));
    // Counts the writes the socket hands to the system, one per write or writev call.
    const socket = client.stream as Socket & {
      _write: (...args: unknown[]) => void;
      _writev?: (...args: unknown[]) => void;
    };
    const write = socket._write.bind(socket);
    const writev = socket._writev?.bind(socket);
    socket._write = (...args) => {
      writes += 1;
      write(...args);
    };
    if (writev)
      socket._writev = (...args) => {
        writes += 1;
        writev(...args);
      };
  });
  afterAll(async () => {
    await client.del(`${prefix}a`, `${prefix}b`);
    await closeClient(client);
  });
  beforeEach(() => {
    writes = 0;
  });

  it('sends the commands of callbacks and promise reactions of one loop turn in one write', async () => {
    // As in a turn: a command, then others after awaits and a next-tick callback that resolve in the same turn.
    const first = client.set(`${prefix}a`, 'un');
    await Promise.resolve();
    const second = client.set(`${prefix}b`, 'deux');
    await new Promise((resolve) => process.nextTick(resolve));
    const third = client.mget(`${prefix}a`, `${prefix}b`);
    expect(await Promise.all([first, second, third])).toEqual(['OK', 'OK', ['un', 'deux']]);
    expect(writes).toBe(1);
  });

  it('sends the commands of the next loop turn in a write of their own, and in order', async () => {
    const before = client.incr(`${prefix}a:n`);
    await new Promise((resolve) => setImmediate(resolve));
    const after = client.incr(`${prefix}a:n`);
    const [one, two] = await Promise.all([before, after]);
    await client.del(`${prefix}a:n`);
    expect(two).toBe(one + 1);
    expect(writes).toBe(3); // the two increments apart, then the deletion
  });
});
