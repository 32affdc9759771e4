// `npm run bench -- --platform`: Guichet on a generated platform (issue 21; bench/platform/generate.ts):
// 2,000 territories and 5 million requests. Measures, in one run, against the same server on one of those
// territories alone: start to ready, RSS, SMS latency at a fixed rate spread over many tenants' numbers, tenant
// resolution (lookups in catalogs of 1 and 2,000 territories), hot reload of one territory, back-office list and
// indicators p95 for a territory, and the turns while the retention job runs over the 5 million requests, then
// while the daily open-data job walks the territories.
// Needs the real adapters (DATABASE_URL: the platform's database is created beside it; REDIS_URL).
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import path from 'node:path';
import { Client } from 'pg';
import { createLazyCatalog, TerritoryCache, type StoredTerritory } from '../../knowledge/territory/load';
import type { Territory } from '../../knowledge/territory';
import {
  createClient,
  fixedRate,
  percentile,
  serverPort,
  summarize,
  type HttpCall,
  type LatencyStats,
} from '../load';
import { startFakeGeocoder } from '../fake-geocoder';
import { readStages, stageMeans } from '../stages';
import {
  cpuByProcess,
  cpuUsedByGroup,
  pressureStallUs,
  processes,
  runQueueWaitMs,
  serverProcesses,
  syscallsOf,
} from '../processes';
import {
  citizenPool,
  decodeXml,
  firstContacts,
  nextSms,
  signedSms,
  SCRIPT_STEPS,
  type ScriptedCitizen,
  type ScriptStep,
} from '../citizen-scripts';
import { ensurePlatform } from './generate';
import { territoryId, twilioNumberOf } from './territories';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { build } = require('../../scripts/build.js') as { build: () => void };

export interface PlatformBenchOptions {
  duration: number;
  rate: number;
  territories: number;
  requests: number;
  /** Tenants the main fixed-rate phase spreads over (the platform's active ones at a given time). */
  active: number;
  /** Seconds of load before a server is measured (the JIT, pools and caches warm up; see the main bench). */
  warmup: number;
}

const ROOT = path.resolve(__dirname, '../..');
const AUTH_TOKEN = 'bench-auth-token-0123456789abcdef';
const ADMIN_TOKEN = 'bench-platform-admin-token-0123456789';
const log = (line: string) => process.stdout.write(`${line}\n`);
const round = (n: number) => Math.round(n * 10) / 10;

interface Running {
  child: ChildProcess;
  port: number;
  baseUrl: string;
  readyMs: number;
  logFile: string;
  /** Its metrics (METRICS_BIND), for the phases' stage means (bench/stages.ts). */
  metricsUrl: string;
}

/** Guichet as `npm start` runs it (the start script's node flags included), its log in a file. */
async function startGuichet(label: string, env: NodeJS.ProcessEnv): Promise<Running> {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
    scripts: { start: string };
  };
  const start = pkg.scripts.start.slice('node '.length);
  const port = serverPort(); // the next one serves its metrics
  const baseUrl = `http://127.0.0.1:${port}`;
  const logFile = path.join(tmpdir(), `guichet-platform-${label}.log`);
  const out = createWriteStream(logFile);
  const t0 = performance.now();
  // BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=…" profiles the servers, as in the main bench.
  const node = [
    JSON.stringify(process.execPath),
    ...(process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean),
  ];
  const child = spawn('sh', ['-c', `exec ${node.join(' ')} ${start}`], {
    cwd: ROOT,
    env: { ...env, PORT: String(port), PUBLIC_URL: baseUrl, METRICS_BIND: `127.0.0.1:${port + 1}` },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.pipe(out);
  child.stderr!.pipe(out);
  let exited: number | null | undefined;
  child.on('exit', (code) => (exited = code));
  for (;;) {
    if (exited !== undefined) throw new Error(`${label}: server exited (${exited}); see ${logFile}`);
    if (performance.now() - t0 > 180_000) throw new Error(`${label}: not ready after 180 s; see ${logFile}`);
    const ok = await fetch(`${baseUrl}/readyz`)
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    child,
    port,
    baseUrl,
    readyMs: Math.round(performance.now() - t0),
    logFile,
    metricsUrl: `http://127.0.0.1:${port + 1}/metrics`,
  };
}

async function stop(server: Running): Promise<void> {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return;
  const exited = new Promise<boolean>((resolve) => server.child.once('exit', () => resolve(true)));
  server.child.kill('SIGTERM');
  if (await Promise.race([exited, new Promise<boolean>((r) => setTimeout(() => r(false), 15_000))])) return;
  // Once, a server was still there minutes after the bench had ended (it held the platform's database): said, and
  // killed, so that no run leaves one behind.
  log(
    `warning:        the server on ${server.port} did not stop within 15 s of SIGTERM (see ${server.logFile}); killed`,
  );
  server.child.kill('SIGKILL');
  await exited;
}

const rssMb = (pid: number): number =>
  round(Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024);

const smsCall = (baseUrl: string, to: string, from: string, body: string): HttpCall =>
  signedSms(AUTH_TOKEN, baseUrl, to, from, body);

/** The same multi-turn scripts as the main bench (hours, a report, its status), each citizen on one number. */
interface Citizen extends ScriptedCitizen {
  /** The territory's number it writes to. */
  to: string;
}

/**
 * The database server's side of a phase. Its settings decide much of the turn latency on a 10 GB database
 * (BENCHMARKS.md, "Platform": 128 MB of shared_buffers made turns several times slower than 2 GB), and so do
 * checkpoints: while one runs (spread over minutes), the first change of each page after it writes the whole
 * page to the WAL, and the requests' 19 indexes on random keys touch many pages per turn. The WAL written per
 * turn and its full-page images say whether a phase ran under one.
 */
let database: Client | undefined;
interface WalCounters {
  bytes: number;
  fullPages: number;
}
async function walCounters(): Promise<WalCounters> {
  if (!database) return { bytes: 0, fullPages: 0 };
  // Bytes from the WAL position (exact); full-page images from pg_stat_wal, which backends report with a delay
  // of up to a few seconds: the tail of a phase may count in the next one. Both are of the whole server.
  const { rows } = await database.query<{ bytes: string; fpi: string }>(
    "SELECT pg_current_wal_lsn() - '0/0'::pg_lsn AS bytes, wal_fpi AS fpi FROM pg_stat_wal",
  );
  return { bytes: Number(rows[0]?.bytes ?? 0), fullPages: Number(rows[0]?.fpi ?? 0) };
}

/**
 * The citizens of a fixed-rate phase: citizen n writes to territory (n mod tenants) + 1, on one of its ten numbers.
 * `size`: how many (one per tenant, at least one per turn of a second).
 */
function smsCitizens(
  server: Running,
  prefix: string,
  rate: number,
  tenants: number,
  firstTenant = 1,
  size = Math.max(rate, tenants),
) {
  const newCitizen = (n: number): Citizen => ({
    phone: `${prefix}${String(n).padStart(7, '0')}`,
    to: twilioNumberOf(firstTenant + (n % tenants), Math.floor(n / tenants) % 10),
    scenario: (['hours', 'report', 'status'] as const)[n % 3]!,
    step: 0,
    lastReply: '',
    references: [],
    turns: 0,
  });
  return citizenPool(size, newCitizen, (c) => smsCall(server.baseUrl, c.to, c.phone, nextSms(c)));
}

/**
 * SMS turns at `rate`/s for `duration` s (with 200 tenants, 2,000 distinct numbers are resolved), after the pool's
 * first contacts at the same rate, measured apart (see firstContacts: over all 2,000 tenants, a 6 s phase was
 * otherwise made of first messages only, against a sixth of them for one territory's pool of 250).
 */
async function smsAtRate(
  server: Running,
  prefix: string,
  rate: number,
  duration: number,
  tenants: number,
  firstTenant = 1,
): Promise<PhaseStats> {
  const send = createClient(server.port, 64);
  const pool = smsCitizens(server, prefix, rate, tenants, firstTenant);
  const openingStages = await readStages(server.metricsUrl);
  const opened = await firstContacts(send, rate, pool);
  const stages = await readStages(server.metricsUrl);
  const before = await walCounters();
  const stats = await fixedRate(send, rate, duration, pool.next, pool.check);
  const after = await walCounters();
  const stagesAfter = await readStages(server.metricsUrl);
  const turns = Math.max(1, stats.count);
  return {
    ...stats,
    errors: stats.errors + opened.errors,
    firstContacts: { ...opened, stages: stageMeans(openingStages, stages) },
    stages: stageMeans(stages, stagesAfter),
    walKbPerTurn: round((after.bytes - before.bytes) / 1024 / turns),
    fullPagesPerTurn: round((after.fullPages - before.fullPages) / turns),
  };
}

type PhaseStats = LatencyStats & {
  walKbPerTurn: number;
  fullPagesPerTurn: number;
  /** The pool's first messages, sent before the phase (see firstContacts). */
  firstContacts: LatencyStats & { stages: string };
  /** Mean ms per stage of the phase's turns (bench/stages.ts). */
  stages: string;
};

/**
 * The one-territory server and the platform at the same fixed rate, in alternating slices of one second (one,
 * platform, platform, one…) for `duration` s each: a host that slows for a while slows both alike, where the
 * phases measured minutes apart moved 7–589 ms p50 with the same code (BENCHMARKS.md). Latencies are pooled per
 * server; the citizens carry on their conversations from slice to slice.
 *
 * Both sides have as many citizens (one per tenant of the platform's side, one per turn of a second at least), so
 * that their turns are the same steps of the scripts: over all 2,000 tenants each citizen sends two or three
 * messages in the phase, the one territory's 250 used to send twenty, and the platform's side then had far more of
 * the report's turns (the address looked up, the nearby requests read, the request written) than the side it was
 * compared with.
 *
 * The machine's CPU in each slice counts for that slice's side (the other server only finishes its last replies):
 * whether a platform's turn costs more work, in Guichet or in PostgreSQL, or only waits longer.
 */
async function interleaved(
  one: Running,
  platform: Running,
  rate: number,
  duration: number,
  tenants: number,
  prefixes: [string, string],
): Promise<{ one: PairedSide; platform: PairedSide }> {
  const citizens = Math.max(rate, tenants);
  const newSide = (server: Running, pool: ReturnType<typeof smsCitizens>) => ({
    server,
    pool,
    latencies: [] as number[],
    errors: 0,
    turns: 0,
    cpuS: new Map<string, number>(),
    /** ms its server's main thread waited for a CPU; ms the machine stalled on the CPU, on the disk. */
    waitedMs: { runQueue: 0, cpuPressure: 0, ioPressure: 0 },
    /** Its server's read and write system calls (sockets: clients, PostgreSQL, Redis) in its slices. */
    syscalls: { reads: 0, writes: 0 },
    /** The event loop's longest delay in each of its slices, ms. */
    loopDelayMaxMs: [] as number[],
    /** Each of its slices' p99, in order: whether the tail is spread or one episode's. */
    sliceP99Ms: [] as number[],
    /** The load generator's own event loop's longest delay in each of its slices, ms. */
    senderDelayMaxMs: [] as number[],
  });
  const sides = [
    newSide(one, smsCitizens(one, prefixes[0], rate, 1, 1, citizens)),
    newSide(platform, smsCitizens(platform, prefixes[1], rate, tenants, 1, citizens)),
  ];
  const sends = sides.map((side) => createClient(side.server.port, 64));
  // The bench's own pauses (its garbage collector, its timers) delay sends and count in the latencies it measures.
  const senderDelay = monitorEventLoopDelay({ resolution: 10 });
  senderDelay.enable();
  /**
   * One reading of /proc around a slice of `server`'s: every process's CPU by group (both servers as Guichet),
   * that server's system calls and its main thread's run-queue wait, and the machine's stalls.
   */
  const sliceCounters = (server: Running) => {
    const all = processes();
    return {
      cpu: cpuByProcess(all, serverProcesses(all, [one.child.pid!, platform.child.pid!])),
      syscalls: syscallsOf(serverProcesses(all, [server.child.pid!])),
      waitedMs: {
        runQueue: runQueueWaitMs(server.child.pid!) ?? 0,
        cpuPressure: (pressureStallUs('cpu') ?? 0) / 1000,
        ioPressure: (pressureStallUs('io') ?? 0) / 1000,
      },
    };
  };
  // Conversations under way on both sides, as in smsAtRate (first contacts not compared).
  for (const [i, side] of sides.entries()) {
    const opened = await firstContacts(sends[i]!, rate, side.pool);
    side.errors += opened.errors;
  }
  const stagesBefore = await Promise.all(sides.map((side) => readStages(side.server.metricsUrl)));
  // An even number of slices of about one second: with the pattern one, platform, platform, one, each side gets
  // exactly half of them, also for a duration that is not a whole number of seconds.
  const perSide = Math.max(1, Math.round(duration));
  const sliceS = duration / perSide;
  for (let slice = 0; slice < 2 * perSide; slice++) {
    const which = slice % 4 === 0 || slice % 4 === 3 ? 0 : 1;
    const side = sides[which]!;
    await readStages(side.server.metricsUrl); // resets the event loop's delay
    const before = sliceCounters(side.server);
    senderDelay.reset();
    const stats = await fixedRate(
      sends[which]!,
      rate,
      sliceS,
      side.pool.next,
      side.pool.check,
      side.latencies,
      side.pool.latency,
    );
    side.errors += stats.errors;
    side.turns += stats.count;
    side.sliceP99Ms.push(stats.p99);
    side.senderDelayMaxMs.push(senderDelay.max / 1e6);
    const after = sliceCounters(side.server);
    for (const [group, cpuS] of cpuUsedByGroup(before.cpu, after.cpu))
      side.cpuS.set(group, (side.cpuS.get(group) ?? 0) + cpuS);
    side.syscalls.reads += after.syscalls.reads - before.syscalls.reads;
    side.syscalls.writes += after.syscalls.writes - before.syscalls.writes;
    for (const key of ['runQueue', 'cpuPressure', 'ioPressure'] as const)
      side.waitedMs[key] += after.waitedMs[key] - before.waitedMs[key];
    const loopDelay = (await readStages(side.server.metricsUrl)).loopDelayMaxS;
    if (loopDelay !== undefined) side.loopDelayMaxMs.push(loopDelay * 1000);
  }
  senderDelay.disable();
  const stagesAfter = await Promise.all(sides.map((side) => readStages(side.server.metricsUrl)));
  /** ms per turn of the side, to the hundredth. */
  const msPerTurn = (side: (typeof sides)[number], ms: number) =>
    Math.round((ms * 100) / Math.max(1, side.turns)) / 100;
  const pooled = (side: (typeof sides)[number], i: number): PairedSide => ({
    stages: stageMeans(stagesBefore[i]!, stagesAfter[i]!),
    ...summarize(side.latencies, side.errors, duration),
    sliceP99Ms: side.sliceP99Ms.map((ms) => Math.round(ms)),
    senderDelayMaxMs: side.senderDelayMaxMs.map((ms) => Math.round(ms)),
    syscallsPerTurn: {
      reads: round(side.syscalls.reads / Math.max(1, side.turns)),
      writes: round(side.syscalls.writes / Math.max(1, side.turns)),
    },
    loopDelayMaxMs: ((sorted) => ({
      median: round(percentile(sorted, 50)),
      max: round(sorted.at(-1) ?? 0),
    }))([...side.loopDelayMaxMs].sort((a, b) => a - b)),
    waitedMsPerTurn: {
      runQueue: msPerTurn(side, side.waitedMs.runQueue),
      cpuPressure: msPerTurn(side, side.waitedMs.cpuPressure),
      ioPressure: msPerTurn(side, side.waitedMs.ioPressure),
    },
    cpuMsPerTurn: Object.fromEntries(
      [...side.cpuS].map(([group, cpuS]) => [group, msPerTurn(side, cpuS * 1000)]),
    ),
    byStep: Object.fromEntries(
      [...side.pool.byStep].map(([step, latencies]) => [step, summarize(latencies, 0, duration)]),
    ),
  });
  return { one: pooled(sides[0]!, 0), platform: pooled(sides[1]!, 1) };
}

/** One side of an interleaved comparison: its turns' latencies, also by step of the scripts. */
type PairedSide = LatencyStats & {
  byStep: Partial<Record<ScriptStep, LatencyStats>>;
  /** CPU ms per turn of each group of processes (bench/processes.ts) in this side's slices. */
  cpuMsPerTurn: Record<string, number>;
  /** Each of its slices' p99 (ms), in order, and the load generator's longest pause in each. */
  sliceP99Ms: number[];
  senderDelayMaxMs: number[];
  /** Its server's read and write system calls per turn in its slices. */
  syscallsPerTurn: { reads: number; writes: number };
  /** The event loop's longest delay in a slice: median over its slices, and the longest, ms. */
  loopDelayMaxMs: { median: number; max: number };
  /** Per turn in its slices: ms its server's main thread waited for a CPU; ms the machine stalled on CPU, disk. */
  waitedMsPerTurn: { runQueue: number; cpuPressure: number; ioPressure: number };
  /** Its server's stage means, CPU, garbage collection and caches over the phase (bench/stages.ts). */
  stages: string;
};

/** A bench helper process (a job beside the server): `started` when it prints so, `done` with its last JSON line. */
function startJob(script: string, args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  let markStarted: () => void = () => undefined;
  const started = new Promise<void>((resolve) => (markStarted = resolve));
  const done = new Promise<unknown>((resolve, reject) => {
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('started')) markStarted();
    });
    child.on('exit', (code) => {
      const last = out.trim().split('\n').pop() ?? '';
      if (code === 0) resolve(JSON.parse(last));
      else reject(new Error(`${script} exited ${code}: ${out}`));
    });
  });
  // A job that fails before it started must not leave the bench waiting.
  return { child, started: Promise.race([started, done.then(() => undefined)]), done };
}

const show = (s: PhaseStats) =>
  `p50 ${s.p50} ms, p95 ${s.p95} ms, p99 ${s.p99} ms, max ${s.max} ms, ${s.count} turns, errors ${s.errors}; WAL ${s.walKbPerTurn} kB and ${s.fullPagesPerTurn} full-page images per turn; stages, mean ms: ${s.stages}; before them, ${s.firstContacts.count} first contacts: p50 ${s.firstContacts.p50} ms, p99 ${s.firstContacts.p99} ms (stages: ${s.firstContacts.stages})`;

/** ns per lookup of a Twilio number in a catalog of n territories × 10 numbers (maps, whatever n). */
function lookupNs(n: number): number {
  const stored: StoredTerritory[] = [];
  const cache = new TerritoryCache({ cacheSize: n, faqCacheSize: n });
  for (let i = 1; i <= n; i++) {
    const id = territoryId(i);
    const channels = {
      twilioNumbers: Array.from({ length: 10 }, (_, k) => twilioNumberOf(i, k)),
      webchatKeys: [],
      allowedOrigins: [],
      botAppIds: [],
    };
    stored.push({
      summary: {
        id,
        name: id,
        timeZone: 'Europe/Paris',
        retention: { transcriptsDays: 1, contactsDays: 1 },
        channels,
      },
      folder: id,
      packed: Buffer.alloc(0),
      packedFaq: Buffer.alloc(0),
    });
    cache.set(id, { id } as Territory);
  }
  const catalog = createLazyCatalog(stored, cache);
  const numbers = stored.flatMap((s) => s.summary.channels.twilioNumbers.map((x) => `whatsapp:${x}`));
  let found = 0;
  const rounds = 400_000;
  const t0 = performance.now();
  for (let r = 0; r < rounds; r++) if (catalog.byTwilioNumber(numbers[(r * 7919) % numbers.length]!)) found++;
  const ns = ((performance.now() - t0) * 1e6) / rounds;
  if (found !== rounds) throw new Error('lookup missed');
  return Math.round(ns);
}

async function backOffice(server: Running, tenant: string, runs: number) {
  const admin = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' };
  const created = await fetch(`${server.baseUrl}/api/v1/tokens`, {
    method: 'POST',
    headers: admin,
    body: JSON.stringify({ tenantId: tenant, role: 'supervisor', name: 'bench platform' }),
  });
  if (!created.ok) throw new Error(`token: ${created.status} ${await created.text()}`);
  const { token } = (await created.json()) as { token: string };
  const headers = { authorization: `Bearer ${token}` };
  const measure = async (label: string, url: string) => {
    const times: number[] = [];
    for (let i = 0; i < runs + 1; i++) {
      const t0 = performance.now();
      const res = await fetch(`${server.baseUrl}${url}`, { headers });
      const body = await res.text();
      if (!res.ok) throw new Error(`${label}: ${res.status} ${body.slice(0, 300)}`);
      if (i > 0) times.push(performance.now() - t0); // the first call warms the plans and caches
    }
    times.sort((a, b) => a - b);
    return { label, p50: round(percentile(times, 50)), p95: round(percentile(times, 95)) };
  };
  return [
    await measure('requests list (first page)', '/api/v1/requests'),
    await measure('requests list, received', '/api/v1/requests?status=received'),
    await measure('indicators, 30 days', '/api/v1/indicators?from=2026-11-01&to=2026-12-01'),
    await measure('indicators, 90 days', '/api/v1/indicators?from=2026-09-01&to=2026-12-01'),
  ];
}

export async function runPlatformBench(o: PlatformBenchOptions): Promise<void> {
  const databaseUrl = process.env.DATABASE_URL;
  const redisUrl = process.env.REDIS_URL;
  if (!databaseUrl || !redisUrl) throw new Error('--platform needs DATABASE_URL and REDIS_URL');
  log(
    `Guichet platform bench — ${o.territories} territories, ${o.requests.toLocaleString('en')} requests; fixed rate ${o.rate}/s over ${o.active} tenants, phases of ${o.duration} s`,
  );
  const platform = await ensurePlatform({
    territories: o.territories,
    requests: o.requests,
    databaseUrl,
    log,
  });
  database = new Client({ connectionString: platform.databaseUrl });
  await database.connect();
  const settings = await database.query<{ name: string; setting: string }>(
    `SELECT name, current_setting(name) AS setting FROM pg_settings
     WHERE name IN ('shared_buffers', 'max_wal_size', 'checkpoint_timeout', 'synchronous_commit', 'autovacuum')
     ORDER BY name`,
  );
  log(`PostgreSQL:     ${settings.rows.map((r) => `${r.name} ${r.setting}`).join(', ')}`);
  const postgresSettings = Object.fromEntries(settings.rows.map((r) => [r.name, r.setting]));
  // One territory of the platform alone: the reference the platform's figures compare to.
  const alone = mkdtempSync(path.join(tmpdir(), 'guichet-one-territory-'));
  cpSync(path.join(platform.territoryDir, territoryId(1)), path.join(alone, territoryId(1)), {
    recursive: true,
  });
  const geocoder = await startFakeGeocoder();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    DATA_DIR: mkdtempSync(path.join(tmpdir(), 'guichet-platform-data-')),
    DATABASE_URL: platform.databaseUrl,
    REDIS_URL: redisUrl,
    LOG_LEVEL: 'info',
    TWILIO_AUTH_TOKEN: AUTH_TOKEN,
    RATE_LIMITS_ENABLED: 'false',
    GEOCODER_URL: geocoder.url,
    // A budget no phase reaches: the fake API has no limit (a platform's own addok), and the lookups still pay for it.
    GEOCODER_MAX_PER_SECOND: '10000',
    // Every simulated citizen reports the same address, which the cache would answer from memory every time (and
    // at one position, making each report a duplicate of the last): the bench pays the call, as for an address
    // seen once.
    GEOCODER_CACHE_ENTRIES: '0',
    WEBCHAT_SECRET: 'bench-webchat-secret',
    ADMIN_TOKEN,
    // The bench runs the retention job itself, at a chosen moment.
    RETENTION_INTERVAL_MINUTES: '0',
    // The daily open-data job starts a minute after the server and walks the 2,000 territories for minutes: left
    // on, it ran beside the later phases (the back office, both retention phases) and its statements were most
    // of the database's work sampled during the retention job (pg_stat_activity, BENCHMARKS.md).
    OPEN_DATA_REFRESH_HOURS: '0',
  };
  build();
  const figures: Record<string, unknown> = {
    territories: o.territories,
    requests: o.requests,
    rate: o.rate,
    shared_buffers: postgresSettings.shared_buffers,
  };

  /** The server on one territory alone: started, warmed up (JIT, pools, caches), measured, stopped. */
  const oneTerritory = async (label: string, prefixes: [string, string]) => {
    const one = await startGuichet(label, { ...env, TERRITORY_DIR: alone, WATCH_TERRITORIES: 'false' });
    log(`one territory:  ready in ${one.readyMs} ms, RSS ${rssMb(one.child.pid!)} MB`);
    await smsAtRate(one, prefixes[0], o.rate, o.warmup, 1);
    const stats = await smsAtRate(one, prefixes[1], o.rate, o.duration, 1);
    await stop(one);
    return { readyMs: one.readyMs, stats };
  };

  // 1. One territory.
  const { readyMs: oneReadyMs, stats: oneRated } = await oneTerritory('one', ['+3371', '+3372']);
  log(`one territory:  sms @${o.rate}/s ${show(oneRated)}`);
  Object.assign(figures, { one_ready_ms: oneReadyMs, one_p50_ms: oneRated.p50, one_p99_ms: oneRated.p99 });

  // 2. The platform.
  const server = await startGuichet('platform', {
    ...env,
    TERRITORY_DIR: platform.territoryDir,
    WATCH_TERRITORIES: 'true',
  });
  const rssStart = rssMb(server.child.pid!);
  log(`platform:       ready in ${server.readyMs} ms, RSS ${rssStart} MB after start`);
  await smsAtRate(server, '+3373', o.rate, o.warmup, o.active); // warm-up (JIT, pools, caches)
  const rated = await smsAtRate(server, '+3374', o.rate, o.duration, o.active);
  log(`platform:       sms @${o.rate}/s over ${o.active} tenants (${o.active * 10} numbers): ${show(rated)}`);
  // The same comparison with both servers up, in alternating one-second slices (see `interleaved`); before the
  // phase over all tenants, which cycles 2,000 territories through the cache of parsed ones and leaves the 200
  // active ones to inflate again (p99 3.1–3.7× when run after it, the open-data job then likely running too).
  const pairedOne = await startGuichet('one-paired', {
    ...env,
    TERRITORY_DIR: alone,
    WATCH_TERRITORIES: 'false',
  });
  await smsAtRate(pairedOne, '+3382', o.rate, o.warmup, 1);
  const paired = await interleaved(pairedOne, server, o.rate, o.duration, o.active, ['+3380', '+3381']);
  const showPaired = (tenants: number, p: typeof paired) =>
    `sms @${o.rate}/s in alternating 1 s slices, ${o.duration} s each: one territory p50 ${p.one.p50} ms, p99 ${p.one.p99} ms; over ${tenants} tenants p50 ${p.platform.p50} ms, p99 ${p.platform.p99} ms (p50 ${round(p.platform.p50 / Math.max(0.1, p.one.p50))}×, p99 ${round(p.platform.p99 / Math.max(0.1, p.one.p99))}×), errors ${p.one.errors + p.platform.errors}`;
  /** The line and the figures of an interleaved comparison (`key`: interleaved, interleaved_all). */
  const recordPaired = (key: string, tenants: number, p: typeof paired) => {
    log(`interleaved:    ${showPaired(tenants, p)}`);
    // By step: which turns make the tail (the report's lookups and its write are the slowest anywhere).
    const steps = SCRIPT_STEPS.filter((step) => p.one.byStep[step] || p.platform.byStep[step]).map((step) => {
      const [a, b] = [p.one.byStep[step], p.platform.byStep[step]];
      return `${step} ${a?.count ?? 0}/${b?.count ?? 0} turns, p99 ${a?.p99 ?? '–'}/${b?.p99 ?? '–'} ms`;
    });
    log(`                by step, one territory / platform: ${steps.join('; ')}`);
    const cpu = ['guichet', 'postgresql', 'redis', 'load generator', 'other'].map(
      (group) => `${group} ${p.one.cpuMsPerTurn[group] ?? 0}/${p.platform.cpuMsPerTurn[group] ?? 0}`,
    );
    log(`                CPU ms per turn in its slices, one territory / platform: ${cpu.join(', ')}`);
    const slices = (side: PairedSide) =>
      side.sliceP99Ms.map((ms, i) => `${ms} (${side.senderDelayMaxMs[i]})`).join(' ');
    const [w1, w2] = [p.one.waitedMsPerTurn, p.platform.waitedMsPerTurn];
    log(
      `                waits, ms per turn in its slices, one territory / platform: Guichet's main thread for a CPU ${w1.runQueue}/${w2.runQueue}; some process of the machine for a CPU ${w1.cpuPressure}/${w2.cpuPressure}, for the disk ${w1.ioPressure}/${w2.ioPressure}`,
    );
    log(
      `                its server per turn, one territory / platform: system calls ${p.one.syscallsPerTurn.writes}/${p.platform.syscallsPerTurn.writes} writes, ${p.one.syscallsPerTurn.reads}/${p.platform.syscallsPerTurn.reads} reads; event loop's longest delay in a slice, median ${p.one.loopDelayMaxMs.median}/${p.platform.loopDelayMaxMs.median} ms, longest ${p.one.loopDelayMaxMs.max}/${p.platform.loopDelayMaxMs.max} ms`,
    );
    log(
      `                each slice's p99 in ms (the load generator's longest pause), one territory: ${slices(p.one)}; platform: ${slices(p.platform)}`,
    );
    // A phase's p99 is its few worst turns, and those came from one to five one-second episodes of 100–370 ms
    // that hit either side (BENCHMARKS.md, 2026-12-08): the median of the slices' p99 says what a usual second
    // is like on each side.
    const typical = (side: PairedSide) =>
      percentile(
        [...side.sliceP99Ms].sort((a, b) => a - b),
        50,
      );
    const [t1, t2] = [typical(p.one), typical(p.platform)];
    log(
      `                median of the slices' p99: one territory ${round(t1)} ms, platform ${round(t2)} ms (${round(t2 / Math.max(0.1, t1))}×)`,
    );
    log(`                stages, mean ms: one territory ${p.one.stages}`);
    log(`                                 platform ${p.platform.stages}`);
    Object.assign(figures, {
      [`${key}_one_p99_ms`]: p.one.p99,
      [`${key}_platform_p99_ms`]: p.platform.p99,
      [`${key}_p99_ratio`]: round(p.platform.p99 / Math.max(0.1, p.one.p99)),
      [`${key}_slice_p99_median_ratio`]: round(t2 / Math.max(0.1, t1)),
      errors: (figures.errors as number) + p.one.errors + p.platform.errors,
    });
  };
  recordPaired('interleaved', o.active, paired);

  const spread = await smsAtRate(server, '+3375', o.rate, o.duration, o.territories);
  log(`platform:       sms @${o.rate}/s over all ${o.territories} tenants: ${show(spread)}`);
  // Over all tenants too, interleaved with the one territory: the phase above is compared with references
  // measured minutes apart, and its p99 moved 0.9–3.9× from one run to the next with the same code.
  const pairedAll = await interleaved(pairedOne, server, o.rate, o.duration, o.territories, [
    '+3383',
    '+3384',
  ]);
  await stop(pairedOne);
  recordPaired('interleaved_all', o.territories, pairedAll);
  const rssLoad = rssMb(server.child.pid!);
  log(`platform:       RSS ${rssLoad} MB after the load`);
  const lookups = { one: lookupNs(1), platform: lookupNs(o.territories) };
  log(
    `tenant lookup:  ${lookups.one} ns per Twilio number in a catalog of 1 territory, ${lookups.platform} ns in one of ${o.territories} (${o.territories * 10} numbers)`,
  );
  Object.assign(figures, {
    ready_ms: server.readyMs,
    rss_start_mb: rssStart,
    rss_after_load_mb: rssLoad,
    p50_ms: rated.p50,
    p95_ms: rated.p95,
    p99_ms: rated.p99,
    all_tenants_p99_ms: spread.p99,
    errors: oneRated.errors + rated.errors + spread.errors,
    lookup_ns_one: lookups.one,
    lookup_ns_platform: lookups.platform,
  });

  // 3. Hot reload of one territory: time from the file's write until the new answer is served.
  const send = createClient(server.port, 4);
  const ask = async (tenant: number, phone: string, text: string) =>
    decodeXml((await send(smsCall(server.baseUrl, twilioNumberOf(tenant, 0), phone, text))).body);
  const question = 'Comment obtenir une copie de mon acte de naissance ?';
  const edited = 7;
  const neighbour = 8;
  await ask(edited, '+33769000001', question); // the first message of a conversation carries the notice
  await ask(neighbour, '+33769000002', question);
  const neighbourBefore = await ask(neighbour, '+33769000002', question);
  const faqFile = path.join(platform.territoryDir, territoryId(edited), 'faq.json');
  const original = readFileSync(faqFile, 'utf8');
  const token = `version ${Date.now().toString(36)}`;
  const faq = JSON.parse(original) as { id: string; answer: string }[];
  const entry = faq.find((e) => e.id === 'acte-naissance')!;
  entry.answer = `${entry.answer} (${token})`;
  const t0 = performance.now();
  writeFileSync(faqFile, JSON.stringify(faq));
  let reloadMs = -1;
  for (let i = 0; i < 400; i++) {
    if ((await ask(edited, '+33769000001', question)).includes(token)) {
      reloadMs = Math.round(performance.now() - t0);
      break;
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  const neighbourAfter = await ask(neighbour, '+33769000002', question);
  writeFileSync(faqFile, original);
  const reloadLines = readFileSync(server.logFile, 'utf8')
    .split('\n')
    .filter((l) => l.includes('territories reloaded'));
  log(
    `hot reload:     ${reloadMs < 0 ? 'NOT SEEN within the polling window' : `${reloadMs} ms`} from the write to the new answer (debounce 250 ms included); reloaded ${reloadLines[0]?.match(/"territories":(\[[^\]]*\])/)?.[1] ?? '?'}; neighbour's answer ${neighbourAfter === neighbourBefore ? 'unchanged' : 'CHANGED'}`,
  );
  Object.assign(figures, {
    hot_reload_ms: reloadMs,
    neighbour_unchanged: neighbourAfter === neighbourBefore,
  });

  // 4. Back office of one territory (2,500 requests of the 5 million on the full platform).
  for (const r of await backOffice(server, territoryId(Math.min(42, o.territories)), 20)) {
    log(`back office:    ${r.label}: p50 ${r.p50} ms, p95 ${r.p95} ms`);
    figures[`bo_${r.label.replace(/\W+/g, '_')}_p95_ms`] = r.p95;
  }

  // 5. The retention job over the platform while turns run (in its own process, as cron runs it).
  const before = await smsAtRate(server, '+3376', o.rate, o.duration, o.active);
  log(`retention:      without the job: ${show(before)}`);
  // The job in its own process (cron's `npm run retention`), started when the phase starts.
  const retention = startJob('bench/platform/retention-job.ts', [
    platform.databaseUrl,
    String(o.territories),
  ]);
  await retention.started;
  const during = await smsAtRate(server, '+3377', o.rate, o.duration, o.active);
  const { ms: retentionMs, anonymised } = (await retention.done) as { ms: number; anonymised: number };
  log(`retention:      during the job:  ${show(during)}`);
  log(
    `retention:      job over ${o.territories} territories took ${retentionMs} ms (${retentionMs > o.duration * 1000 ? 'longer than' : 'within'} the phase), ${anonymised} requests anonymised`,
  );
  Object.assign(figures, {
    retention_ms: retentionMs,
    retention_anonymised: anonymised,
    p99_without_retention_ms: before.p99,
    p99_during_retention_ms: during.p99,
  });

  // 6. The daily open-data job (the servers here have it off, see env), in its own process, stopped after the phase.
  const openData = startJob('bench/platform/open-data-job.ts', [platform.databaseUrl, platform.territoryDir]);
  await openData.started;
  const duringOpenData = await smsAtRate(server, '+3383', o.rate, o.duration, o.active);
  openData.child.kill('SIGTERM');
  const { ms: openDataMs, built } = (await openData.done) as { ms: number; built: number };
  log(`open data:      during the job:  ${show(duringOpenData)}`);
  log(
    `open data:      ${built} of ${o.territories} territories' figures built in the phase's ${openDataMs} ms (paced: a pause as long as each build)`,
  );
  Object.assign(figures, {
    p99_during_open_data_ms: duringOpenData.p99,
    open_data_territories_per_s: round((built * 1000) / Math.max(1, openDataMs)),
  });
  await stop(server);

  // 7. One territory again, on the database as the platform phases left it. The first reference ran on a
  // database whose pages the previous run had left cold (it moved 36 → 3,611 ms p50 between runs): like the
  // bare route of the main bench, the reference is measured before and after, and the ratio uses their mean.
  const { stats: oneAfter } = await oneTerritory('one-again', ['+3378', '+3379']);
  log(`one territory:  again, after the platform phases: sms @${o.rate}/s ${show(oneAfter)}`);
  const reference = { p50: (oneRated.p50 + oneAfter.p50) / 2, p99: (oneRated.p99 + oneAfter.p99) / 2 };
  const ratio = (x: number, ref: number) => round(x / Math.max(0.1, ref));
  log(
    `                vs one territory (mean of before and after: p50 ${round(reference.p50)} ms, p99 ${round(reference.p99)} ms): over ${o.active} tenants p50 ${ratio(rated.p50, reference.p50)}×, p99 ${ratio(rated.p99, reference.p99)}×; over all ${o.territories}: p50 ${ratio(spread.p50, reference.p50)}×, p99 ${ratio(spread.p99, reference.p99)}×`,
  );
  // The turns that open a conversation, compared alike (each phase's pool sent them first).
  const firstReference = (oneRated.firstContacts.p99 + oneAfter.firstContacts.p99) / 2;
  log(
    `                first contacts, p99: one territory ${round(firstReference)} ms (mean of before and after); over ${o.active} tenants ${ratio(rated.firstContacts.p99, firstReference)}×; over all ${o.territories} ${ratio(spread.firstContacts.p99, firstReference)}×`,
  );
  Object.assign(figures, {
    first_contacts_all_tenants_p99_ratio_to_one: ratio(spread.firstContacts.p99, firstReference),
    one_again_p50_ms: oneAfter.p50,
    one_again_p99_ms: oneAfter.p99,
    p99_ratio_to_one: ratio(rated.p99, reference.p99),
    all_tenants_p99_ratio_to_one: ratio(spread.p99, reference.p99),
    errors: (figures.errors as number) + oneAfter.errors,
  });
  geocoder.close();
  await database.end();
  // The copy of one territory and the servers' data folder are this run's alone.
  for (const dir of [alone, env.DATA_DIR!]) rmSync(dir, { recursive: true, force: true });
  log(JSON.stringify(figures));
}
