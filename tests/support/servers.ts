// DEDICATED Redis and PostgreSQL servers for fault tests: started by the test on a free port, stopped
// and restarted at will, removed afterwards. The machine's shared servers (6379, 5432) are never touched.
// Suites use `describeWithBinaries`, which skips (and records the skip, like describeWith) when the
// server binaries are not installed.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { appendFileSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

const REDIS_SERVER = process.env.REDIS_SERVER_BIN ?? '/usr/bin/redis-server';

/** The newest PostgreSQL installed under /usr/lib/postgresql (PG_BIN_DIR overrides). */
function pgBinDir(): string | undefined {
  if (process.env.PG_BIN_DIR) return process.env.PG_BIN_DIR;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => /^\d+$/.test(v))
    .sort((a, b) => Number(b) - Number(a));
  const dir = versions.map((v) => path.join(root, v, 'bin')).find((d) => existsSync(path.join(d, 'pg_ctl')));
  return dir;
}

const HAPROXY = process.env.HAPROXY_BIN ?? '/usr/sbin/haproxy';

export type Binary = 'redis-server' | 'postgres' | 'haproxy';

export function hasBinary(binary: Binary): boolean {
  if (binary === 'redis-server') return existsSync(REDIS_SERVER);
  if (binary === 'haproxy') return existsSync(HAPROXY);
  const dir = pgBinDir();
  if (!dir) return false;
  // As root, PostgreSQL must run as another user: the `postgres` account and runuser are needed.
  if (process.getuid?.() === 0) return existsSync('/usr/sbin/runuser') && postgresUser() !== undefined;
  return true;
}

/** `describe` that needs server binaries: skipped and recorded (GUICHET_SKIP_REPORT) when they are missing. */
export function describeWithBinaries(binaries: Binary[], name: string, fn: () => void): void {
  const missing = binaries.filter((b) => !hasBinary(b));
  if (missing.length === 0) {
    describe(name, fn);
    return;
  }
  const report = process.env.GUICHET_SKIP_REPORT;
  if (report) appendFileSync(report, `${missing.join('+')}\t${name}\n`);
  describe.skip(`${name} [skipped: ${missing.join(', ')} not installed]`, fn);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves once `probe` succeeds; rejects after `timeoutMs`. */
async function until(probe: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe().catch(() => false)) return;
    await sleep(50);
  }
  throw new Error(`${what} not ready after ${timeoutMs} ms`);
}

function waitExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

// ---------------------------------------------------------------------------------------------- Redis

/** Sends PING over a raw socket: true on +PONG. */
function redisPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}

export interface DedicatedRedis {
  readonly port: number;
  readonly url: string;
  readonly running: boolean;
  /** Starts (again) on the same port; resolves when it answers PING. */
  start(): Promise<void>;
  /** SIGKILL by default (a crash); 'SIGTERM' for a clean stop. Resolves once the process is gone. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** A throwaway redis-server (no persistence: a restart comes back empty, as after a crash of a cache). */
export async function startRedis(port?: number): Promise<DedicatedRedis> {
  const p = port ?? (await freePort());
  // Its working directory, one per run: a server that becomes a replica (the Sentinel test's failover) writes the
  // primary's snapshot there, never in the repository. Removed at stop (nothing persists across a restart).
  let dir: string | undefined;
  let child: ChildProcess | undefined;
  const redis: DedicatedRedis = {
    port: p,
    url: `redis://127.0.0.1:${p}`,
    get running() {
      return child !== undefined && child.exitCode === null && child.signalCode === null;
    },
    async start() {
      if (redis.running) return;
      dir ??= mkdtempSync(path.join(tmpdir(), 'guichet-redis-'));
      child = spawn(
        REDIS_SERVER,
        [
          '--port',
          String(p),
          '--bind',
          '127.0.0.1',
          '--save',
          '',
          '--appendonly',
          'no',
          '--dir',
          dir,
          '--daemonize',
          'no',
          '--loglevel',
          'warning',
        ],
        { stdio: 'ignore' },
      );
      await until(() => redisPing(p), 10_000, `redis-server on ${p}`);
    },
    async stop(signal = 'SIGKILL') {
      if (!child || !redis.running) return;
      const c = child;
      c.kill(signal);
      await waitExit(c);
      // The port must be free before a restart.
      await until(async () => !(await redisPing(p)), 5000, `redis-server on ${p} to stop`);
      if (dir) rmSync(dir, { recursive: true, force: true });
      dir = undefined;
    },
  };
  await redis.start();
  return redis;
}

// ----------------------------------------------------------------------------------------- PostgreSQL

function postgresUser(): { uid: number; gid: number } | undefined {
  const result = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (result.status !== 0 || gid.status !== 0) return undefined;
  return { uid: Number(result.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/** Runs a PostgreSQL tool, as the `postgres` user when we are root (initdb and postgres refuse root). */
function pgTool(tool: string, args: string[]): Promise<{ status: number | null; output: string }> {
  const bin = path.join(pgBinDir() ?? '', tool);
  const [command, argv] =
    process.getuid?.() === 0 ? ['/usr/sbin/runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
  return new Promise((resolve) => {
    // Not spawnSync: the event loop keeps running (requests in flight) while the server stops or starts.
    const child = spawn(command as string, argv as string[], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    child.once('error', (error) => resolve({ status: -1, output: String(error) }));
    child.once('close', (status) => resolve({ status, output }));
  });
}

export interface DedicatedPostgres {
  readonly port: number;
  /** postgres://postgres@127.0.0.1:PORT/postgres */
  readonly url: string;
  readonly running: boolean;
  start(): Promise<void>;
  /** 'immediate' (default) is a crash-like stop; 'fast' a clean one. */
  stop(mode?: 'immediate' | 'fast'): Promise<void>;
  /** Stops the server and deletes its data directory. */
  destroy(): Promise<void>;
}

/** A throwaway PostgreSQL cluster (initdb, trust auth) in a temporary directory. Takes a few seconds. */
export async function startPostgres(port?: number): Promise<DedicatedPostgres> {
  const p = port ?? (await freePort());
  const root = mkdtempSync(path.join(tmpdir(), 'guichet-pg-'));
  const data = path.join(root, 'data');
  const owner = process.getuid?.() === 0 ? postgresUser() : undefined;
  if (owner) chownSync(root, owner.uid, owner.gid);
  const init = await pgTool('initdb', [
    '-D',
    data,
    '-U',
    'postgres',
    '--auth=trust',
    '--no-sync',
    '-E',
    'UTF8',
  ]);
  if (init.status !== 0) throw new Error(`initdb failed: ${init.output}`);
  let running = false;

  const pg: DedicatedPostgres = {
    port: p,
    url: `postgres://postgres@127.0.0.1:${p}/postgres`,
    get running() {
      return running;
    },
    async start() {
      if (running) return;
      const options = `-p ${p} -k ${root} -c listen_addresses=127.0.0.1 -c fsync=off`;
      const started = await pgTool('pg_ctl', [
        '-D',
        data,
        '-o',
        options,
        '-l',
        path.join(root, 'log'),
        '-w',
        '-t',
        '30',
        'start',
      ]);
      if (started.status !== 0) throw new Error(`pg_ctl start failed: ${started.output}`);
      running = true;
    },
    async stop(mode = 'immediate') {
      if (!running) return;
      const stopped = await pgTool('pg_ctl', ['-D', data, '-m', mode, '-w', '-t', '30', 'stop']);
      if (stopped.status !== 0) throw new Error(`pg_ctl stop failed: ${stopped.output}`);
      running = false;
    },
    async destroy() {
      await pg.stop('immediate').catch(() => undefined);
      rmSync(root, { recursive: true, force: true });
    },
  };
  try {
    await pg.start();
  } catch (error) {
    rmSync(root, { recursive: true, force: true });
    throw error;
  }
  return pg;
}

// -------------------------------------------------------------------------------------------- HAProxy

export interface RunningHaproxy {
  readonly port: number;
  readonly url: string;
  /** What HAProxy printed (its alerts and, at the configured level, its log lines). */
  readonly logs: string[];
  stop(): Promise<void>;
}

/**
 * HAProxy in the foreground with the repository's own configuration (deploy/haproxy/haproxy.cfg): what the
 * deployment documentation ships is what the tests run. `instances` are the address:port of each Guichet.
 */
export async function startHaproxy(instances: string[], port?: number): Promise<RunningHaproxy> {
  const p = port ?? (await freePort());
  const config = path.resolve(__dirname, '../../deploy/haproxy/haproxy.cfg');
  const env: Record<string, string> = { ...process.env, GUICHET_BIND: `127.0.0.1:${p}` } as Record<
    string,
    string
  >;
  instances.forEach((address, i) => (env[`GUICHET_INSTANCE_${i + 1}`] = address));
  const child = spawn(HAPROXY, ['-db', '-f', config], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const logs: string[] = [];
  const keep = (data: Buffer): void => void logs.push(...data.toString().split('\n').filter(Boolean));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  await until(
    async () => {
      if (child.exitCode !== null) throw new Error(`haproxy exited:\n${logs.join('\n')}`);
      return (await fetch(`http://127.0.0.1:${p}/healthz`)).ok;
    },
    15_000,
    `haproxy on ${p}`,
  );
  return {
    port: p,
    url: `http://127.0.0.1:${p}`,
    logs,
    async stop() {
      child.kill('SIGTERM');
      await waitExit(child);
    },
  };
}
