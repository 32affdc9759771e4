// The Redis adapters fail fast while Redis is down (a turn is refused at once, never left hanging)
// and recover by themselves when it comes back.
import net from 'node:net';
import {
  closeClient,
  createRedisClient,
  RedisIdempotencyStore,
  RedisLockManager,
  RedisStateStore,
  type RedisClient,
} from '../../adapters/redis';
import { describeWith, redisUrl } from '../support/services';
import { expectGuichetError, sleep } from './helpers';

describe('Redis client when Redis is down', () => {
  let client: RedisClient;
  beforeAll(() => {
    client = createRedisClient('redis://127.0.0.1:6390'); // nothing listens there
  });
  afterAll(async () => {
    await closeClient(client);
  });

  it('rejects a state read with DEPENDENCY_UNAVAILABLE', async () => {
    const store = new RedisStateStore({ client, keyPrefix: 'down:' });
    await expectGuichetError(store.get('conv-1'), 'DEPENDENCY_UNAVAILABLE');
    // Still down a moment later (while the client reconnects): same answer, no queued command.
    await sleep(150);
    await expectGuichetError(store.get('conv-1'), 'DEPENDENCY_UNAVAILABLE');
    await expectGuichetError(store.ping(), 'DEPENDENCY_UNAVAILABLE');
  });

  it('rejects lock and idempotency calls with DEPENDENCY_UNAVAILABLE', async () => {
    const locks = new RedisLockManager({ client, keyPrefix: 'down:' });
    const claims = new RedisIdempotencyStore({ client, keyPrefix: 'down:' });
    await expectGuichetError(
      locks.acquire('conv-1', { ttlMs: 1000, waitMs: 5000 }),
      'DEPENDENCY_UNAVAILABLE',
    );
    await expectGuichetError(claims.claim('SM1', 60), 'DEPENDENCY_UNAVAILABLE');
  });
});

describeWith('redis', 'Redis client when Redis comes back', () => {
  let proxy: net.Server | undefined;
  const sockets = new Set<net.Socket>();
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => (proxy ? proxy.close(resolve) : resolve(undefined)));
  });

  /** A TCP relay to the real Redis, standing in for a Redis that starts late. */
  function startRelay(port: number): Promise<void> {
    const target = new URL(redisUrl());
    proxy = net.createServer((inbound) => {
      const outbound = net.connect(Number(target.port || 6379), target.hostname);
      sockets.add(inbound).add(outbound);
      inbound.pipe(outbound).pipe(inbound);
      inbound.on('error', () => outbound.destroy());
      outbound.on('error', () => inbound.destroy());
    });
    return new Promise((resolve) => proxy?.listen(port, '127.0.0.1', resolve));
  }

  it('serves again without a restart once Redis answers', async () => {
    const port = await freePort();
    const client = createRedisClient(`redis://127.0.0.1:${port}`);
    try {
      const store = new RedisStateStore({ client, keyPrefix: `recover:${port}:` });
      await expectGuichetError(store.get('conv-1'), 'DEPENDENCY_UNAVAILABLE');
      await startRelay(port);
      let recovered = false;
      for (let i = 0; i < 100 && !recovered; i++) {
        recovered = await store.ping().then(
          () => true,
          () => false,
        );
        if (!recovered) await sleep(100);
      }
      expect(recovered).toBe(true);
      const version = await store.set('conv-1', { back: true }, 0, 5);
      expect(await store.get('conv-1')).toEqual({ data: { back: true }, version });
      await store.delete('conv-1');
    } finally {
      await closeClient(client);
    }
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
