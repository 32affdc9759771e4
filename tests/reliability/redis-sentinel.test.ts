// REDIS_URL=redis+sentinel://…: Guichet finds the Redis primary through Sentinel and follows a failover. A
// dedicated primary, its replica and one sentinel (quorum 1) on free ports; the primary is SIGKILLed and the
// sentinel promotes the replica: the same client, with no restart, claims and reads again on the new
// primary, and what was written before the failover is still there.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Redis from 'ioredis';
import { parseSentinelUrl } from '../../adapters/redis/client';
import {
  closeClient,
  createRedisClient,
  RedisIdempotencyStore,
  type RedisClient,
} from '../../adapters/redis';
import { ConfigSchema } from '../../server/config';
import { describeWithBinaries, freePort, startRedis, type DedicatedRedis } from '../support/servers';
import { sleep } from './helpers';

const REDIS_SERVER = process.env.REDIS_SERVER_BIN ?? '/usr/bin/redis-server';

describe('redis+sentinel:// URLs', () => {
  it('name the sentinels, the monitored primary and optionally a password and database', () => {
    expect(parseSentinelUrl('redis+sentinel://10.0.0.1:26379,10.0.0.2:26380/guichet')).toEqual({
      sentinels: [
        { host: '10.0.0.1', port: 26379 },
        { host: '10.0.0.2', port: 26380 },
      ],
      name: 'guichet',
    });
    expect(parseSentinelUrl('redis+sentinel://:s%40cret@sentinel/guichet?db=2')).toEqual({
      sentinels: [{ host: 'sentinel', port: 26379 }],
      name: 'guichet',
      password: 's@cret',
      db: 2,
    });
    expect(parseSentinelUrl('redis+sentinel://sentinel:99999/guichet')).toBeUndefined();
    expect(parseSentinelUrl('redis+sentinel://sentinel:26379')).toBeUndefined();
    expect(parseSentinelUrl('redis://127.0.0.1:6379')).toBeUndefined();
  });

  it('are accepted by the configuration, other schemes are refused with the variable named', () => {
    expect(ConfigSchema.safeParse({ REDIS_URL: 'redis+sentinel://s1:26379,s2:26379/guichet' }).success).toBe(
      true,
    );
    const refused = ConfigSchema.safeParse({ REDIS_URL: 'sentinel://s1/guichet' });
    expect(refused.success).toBe(false);
    expect(JSON.stringify(refused.error?.issues)).toMatch(/REDIS_URL/);
  });
});

describeWithBinaries(['redis-server'], 'Redis behind Sentinel, through a failover', () => {
  let primary: DedicatedRedis;
  const children: ChildProcess[] = [];
  let dir: string;
  let client: RedisClient;
  let sentinelPort: number;
  let replicaPort: number;

  const run = (args: string[]): ChildProcess => {
    // In the test's folder: a replica writes the primary's snapshot in its working directory (dump.rdb).
    const child = spawn(REDIS_SERVER, args, { stdio: 'ignore', cwd: dir });
    children.push(child);
    return child;
  };
  const cli = async (port: number, ...command: string[]): Promise<unknown> => {
    // A plain client (queues until connected) for the test's own administration commands.
    const probe = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 1, retryStrategy: () => null });
    probe.on('error', () => undefined);
    try {
      return await probe.call(command[0]!, ...command.slice(1));
    } finally {
      probe.disconnect();
    }
  };
  const until = async (check: () => Promise<boolean>, what: string, ms = 30_000): Promise<void> => {
    const deadline = Date.now() + ms;
    while (!(await check().catch(() => false))) {
      if (Date.now() > deadline) throw new Error(`still waiting for ${what} after ${ms} ms`);
      await sleep(100);
    }
  };

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'guichet-sentinel-'));
    primary = await startRedis();
    replicaPort = await freePort();
    run(['--port', String(replicaPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']);
    await until(async () => (await cli(replicaPort, 'PING')) === 'PONG', 'the replica');
    await cli(replicaPort, 'REPLICAOF', '127.0.0.1', String(primary.port));
    await until(
      async () => /master_link_status:up/.test(String(await cli(replicaPort, 'INFO', 'replication'))),
      'the replica in sync',
    );
    sentinelPort = await freePort();
    const config = path.join(dir, 'sentinel.conf');
    writeFileSync(
      config,
      [
        `port ${sentinelPort}`,
        'bind 127.0.0.1',
        `dir ${dir}`,
        `sentinel monitor guichet 127.0.0.1 ${primary.port} 1`,
        'sentinel down-after-milliseconds guichet 1000',
        'sentinel failover-timeout guichet 5000',
        '',
      ].join('\n'),
    );
    run([config, '--sentinel']);
    await until(async () => (await cli(sentinelPort, 'PING')) === 'PONG', 'the sentinel');
    client = createRedisClient(`redis+sentinel://127.0.0.1:${sentinelPort}/guichet`);
  }, 60_000);

  afterAll(async () => {
    if (client) await closeClient(client);
    for (const child of children) child.kill('SIGKILL');
    await primary?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes on the primary it is told about, and follows the promotion of the replica', async () => {
    const claims = new RedisIdempotencyStore({ client, keyPrefix: 'sentinel-test:' });
    await until(
      async () => (await claims.claim('before', 600)).status !== undefined,
      'the client to connect',
    );
    expect(await claims.claim('before', 600)).toEqual({ status: 'in_progress' });
    // Replicated before the primary dies (WAIT for the replica's acknowledgement).
    expect(await client.call('WAIT', '1', '2000')).toBe(1);

    await primary.stop('SIGKILL');
    // The sentinel sees the primary down (1 s), elects itself and promotes the replica.
    await until(async () => {
      const address = (await cli(sentinelPort, 'SENTINEL', 'get-master-addr-by-name', 'guichet')) as string[];
      return address?.[1] === String(replicaPort);
    }, 'the sentinel to promote the replica');

    // The same client, not restarted: a new claim lands on the new primary, and the old one is still known.
    let fresh: Awaited<ReturnType<RedisIdempotencyStore['claim']>> | undefined;
    await until(async () => {
      fresh = await claims.claim('after', 600);
      return true;
    }, 'a write on the new primary');
    expect(fresh).toEqual({ status: 'claimed' });
    expect(await claims.claim('before', 600)).toEqual({ status: 'in_progress' });
    expect(String(await cli(replicaPort, 'INFO', 'replication'))).toMatch(/role:master/);
  }, 60_000);
});
