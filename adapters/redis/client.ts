// Redis client that fails fast: while Redis is down, commands reject at once with
// GuichetError('DEPENDENCY_UNAVAILABLE') instead of queueing, and the client keeps reconnecting
// (every ≤ 1 s) so service comes back by itself when Redis does.
import type { Socket } from 'node:net';
import Redis, { type RedisOptions } from 'ioredis';
import { z } from 'zod';
import { GuichetError, isGuichetError } from '../../bot/errors';

export const RedisClientOptionsSchema = z.object({
  /** Bound on one TCP connect attempt. */
  connectTimeoutMs: z.number().int().positive().default(500),
  /** A command without a reply after this long is failed (Redis hung, network black hole). */
  commandTimeoutMs: z.number().int().positive().default(2000),
  /** Upper bound of the delay between reconnect attempts. */
  maxReconnectDelayMs: z.number().int().positive().max(1000).default(1000),
  connectionName: z.string().min(1).max(64).optional(),
});
export type RedisClientOptions = z.input<typeof RedisClientOptionsSchema> & {
  /** Connection errors are frequent while Redis is down; the default handler drops them (readiness shows the outage). */
  onError?: (error: Error) => void;
};

export type RedisClient = Redis;

/**
 * `redis+sentinel://[:password@]host:port[,host:port…]/master-name[?db=N]`: a Redis primary found through
 * Sentinel (the sentinels' addresses, the name they monitor). ioredis asks the sentinels for the current
 * primary and asks again after a failover; the password, if any, is the data nodes' (sentinels without auth).
 */
export interface SentinelTarget {
  sentinels: { host: string; port: number }[];
  name: string;
  password?: string;
  db?: number;
}

export function parseSentinelUrl(url: string): SentinelTarget | undefined {
  const m = /^redis\+sentinel:\/\/(?:(?:[^:@/]*):([^@/]*)@)?([^/?#]+)\/([^/?#]+)\/?(?:\?(.*))?$/.exec(url);
  if (!m) return undefined;
  const [, password, hosts, name, query] = m;
  const sentinels = hosts!.split(',').map((hostPort) => {
    const [host, port] = hostPort.split(':');
    return { host: host!, port: port ? Number(port) : 26379 };
  });
  if (sentinels.some((s) => !s.host || !Number.isInteger(s.port) || s.port <= 0 || s.port > 65535))
    return undefined;
  const db = query ? new URLSearchParams(query).get('db') : null;
  return {
    sentinels,
    name: decodeURIComponent(name!),
    ...(password ? { password: decodeURIComponent(password) } : {}),
    ...(db !== null && /^\d+$/.test(db) ? { db: Number(db) } : {}),
  };
}

export function createRedisClient(url: string, options: RedisClientOptions = {}): RedisClient {
  const opts = RedisClientOptionsSchema.parse(options);
  const sentinel = parseSentinelUrl(url);
  const common: RedisOptions = {
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    connectTimeout: opts.connectTimeoutMs,
    commandTimeout: opts.commandTimeoutMs,
    retryStrategy: (attempt) => Math.min(attempt * 100, opts.maxReconnectDelayMs),
    connectionName: opts.connectionName,
    // A socket that never connected never says 'close': don't keep it (and the process) for 2 s.
    disconnectTimeout: 200,
    // No auto-pipelining: commands sent back to back still share one round trip (Redis answers in order on
    // the connection), and the per-tick pipelines it builds were about a quarter of what full GCs freed under
    // load (more full GCs, a slower p99; BENCHMARKS.md).
    enableAutoPipelining: false,
  };
  const client = sentinel
    ? new Redis({
        ...common,
        ...sentinel,
        sentinelRetryStrategy: (attempt: number) => Math.min(attempt * 100, opts.maxReconnectDelayMs),
        // After a failover the old primary may come back as a replica: a write sent to it is refused with
        // READONLY; reconnecting makes ioredis ask the sentinels for the new primary.
        reconnectOnError: (error: Error) => error.message.startsWith('READONLY'),
      })
    : new Redis(url, common);
  client.on('error', options.onError ?? (() => undefined));
  batchWritesPerLoopTurn(client);
  return client;
}

/**
 * Commands issued in the same turn of the event loop leave in one socket write (one writev) instead of one
 * write each. A write on a loopback or LAN socket is a system call that also runs the receiver's network stack
 * and wakes it (on a busy machine the woken Redis often takes the writer's CPU before the call returns): with ~7
 * commands per turn they were an eighth of Guichet's CPU under the SMS load (BENCHMARKS.md). The socket is
 * corked at the first command and uncorked in the loop's check phase (setImmediate), once every callback of the
 * I/O that woke the loop has run: the commands of all the turns it moved on share one write (the lock with the
 * claim, the release with the recorded answer, and those of the other citizens answered in the same round).
 * Uncorking at the end of the first callback instead (process.nextTick) gave 2.2 Redis writes per SMS turn
 * under load, this 0.3–0.6. Nothing waits for I/O: the loop does not block while an immediate is pending.
 * (ioredis's auto-pipelining batches per tick with a Pipeline object per batch, which cost more garbage
 * collection than it saved.)
 */
function batchWritesPerLoopTurn(client: RedisClient): void {
  const send = client.sendCommand.bind(client);
  let corked = false;
  client.sendCommand = (command, stream) => {
    const socket = client.stream as Socket | undefined;
    if (!corked && !stream && client.status === 'ready' && socket?.writable) {
      corked = true;
      socket.cork();
      setImmediate(() => {
        corked = false;
        socket.uncork();
      });
    }
    return send(command, stream);
  };
}

const CONNECTING = new Set(['wait', 'connecting', 'connect']);
/** Waiting for the first connection (never for a reconnect) is bounded by this. */
const FIRST_CONNECT_WAIT_MS = 1500;

/** Runs one Redis call; any failure that is not ours becomes DEPENDENCY_UNAVAILABLE. */
export async function redisCall<T>(client: RedisClient, call: () => Promise<T>): Promise<T> {
  try {
    // A client that is still making its first connection would reject (offline queue is off):
    // wait for it, briefly. A client that lost Redis is 'reconnecting' and fails at once.
    if (CONNECTING.has(client.status)) await untilReady(client);
    return await call();
  } catch (error) {
    if (isGuichetError(error)) throw error;
    throw new GuichetError('DEPENDENCY_UNAVAILABLE', `Redis unavailable: ${messageOf(error)}`, undefined, {
      cause: error,
    });
  }
}

function untilReady(client: RedisClient): Promise<void> {
  if (client.status === 'wait') client.connect().catch(() => undefined);
  return new Promise<void>((resolve, reject) => {
    const done = (error?: Error): void => {
      clearTimeout(timer);
      client.off('ready', onReady);
      client.off('error', onError);
      client.off('end', onEnd);
      if (error) reject(error);
      else resolve();
    };
    const onReady = (): void => done();
    const onError = (error: Error): void => done(error);
    const onEnd = (): void => done(new Error('connection closed'));
    const timer = setTimeout(() => done(new Error('not connected')), FIRST_CONNECT_WAIT_MS);
    client.once('ready', onReady);
    client.once('error', onError);
    client.once('end', onEnd);
  });
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));
