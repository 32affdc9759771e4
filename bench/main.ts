// `npm run bench`: Guichet under load through real HTTP, beside the bare-server limit, in one run.
// Real adapters when REDIS_URL and DATABASE_URL are set (PGlite + memory otherwise, said in the output).
// Options: --duration S (per phase, default 8), --concurrency N (default 32), --rate R (fixed-rate phase,
// default 250), --conversations N (RSS phase, default 10000), --warmup S (load before measuring, default 12).
// Last line: one JSON object of figures.
// --platform [--territories N --requests N --active N]: the platform profile instead (bench/platform/bench.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import Redis from 'ioredis';
import twilio from 'twilio';
import {
  closedLoop,
  countLoop,
  createClient,
  fixedRate,
  serverPort,
  summarize,
  type HttpCall,
  type LatencyStats,
} from './load';
import { startFakeGeocoder } from './fake-geocoder';
import { createRunDatabase, seedHistory, withAdmin } from './database';
import { readStages, stageMeans, type StageTotals } from './stages';
import {
  cpuByProcess,
  cpuPerTurn,
  processes,
  serverProcesses,
  syscallsOf,
  type CpuByProcess,
} from './processes';
import {
  advance,
  citizenPool,
  decodeXml,
  firstContacts,
  nextSms,
  signedSms,
  type ScriptedCitizen,
} from './citizen-scripts';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { build } = require('../scripts/build.js') as { build: () => void };

const { values: opts } = parseArgs({
  options: {
    duration: { type: 'string', default: '8' },
    concurrency: { type: 'string', default: '32' },
    rate: { type: 'string', default: '250' },
    conversations: { type: 'string', default: '10000' },
    // Seconds of load before Guichet is measured. Under load V8 keeps optimising new functions for some 20 s
    // after start: with 2 s, a third of the CPU per SMS turn measured was the JIT's, not Guichet's (BENCHMARKS.md).
    warmup: { type: 'string', default: '12' },
    // N > 1: N instances behind HAProxy (deploy/haproxy/haproxy.cfg, at most 3), driven through the proxy.
    instances: { type: 'string', default: '1' },
    // A generated platform (bench/platform/): 2,000 territories and 5 million requests, issue 21.
    platform: { type: 'boolean', default: false },
    territories: { type: 'string', default: '2000' },
    requests: { type: 'string', default: '5000000' },
    // Tenants the platform's main fixed-rate phase spreads over (then all of them in a second phase).
    active: { type: 'string', default: '200' },
  },
});
const DURATION = Number(opts.duration);
const CONCURRENCY = Number(opts.concurrency);
const RATE = Number(opts.rate);
const CONVERSATIONS = Number(opts.conversations);
const WARMUP = Number(opts.warmup);
const INSTANCES = Number(opts.instances);
if (!Number.isInteger(INSTANCES) || INSTANCES < 1 || INSTANCES > 3)
  throw new Error('--instances must be 1, 2 or 3');
if (!(WARMUP >= 0)) throw new Error('--warmup must be a number of seconds (0 or more)');

const ROOT = path.resolve(__dirname, '..');
const AUTH_TOKEN = 'bench-auth-token-0123456789abcdef';
const TENANT_NUMBER = '+33939980101';
const log = (line: string) => process.stdout.write(`${line}\n`);

/** BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=…" profiles the server process (see BENCHMARKS.md). */
const serverNodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);

/**
 * Guichet runs exactly as `npm start` runs it (the start script of package.json, its node flags included, after
 * the build), so the bench measures what a commune deploys; BENCH_NODE_ARGS go right after `node`.
 */
function guichetCommand(): [string, string[]] {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
    scripts: { start: string };
  };
  const start = pkg.scripts.start;
  if (!start.startsWith('node ')) throw new Error(`unexpected start script: ${start}`);
  const node = [JSON.stringify(process.execPath), ...serverNodeArgs].join(' ');
  // `exec`: the shell becomes node, so the pid (CPU, RSS, signals) is Guichet's own.
  return ['sh', ['-c', `exec ${node} ${start.slice('node '.length)}`]];
}

function startProcess(
  [command, args]: [string, string[]],
  env: NodeJS.ProcessEnv,
  ready: RegExp,
): Promise<{ child: ChildProcess; port: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let started = false;
    const timer = setTimeout(() => reject(new Error(`process did not start:\n${out}`)), 60_000);
    const onData = (chunk: Buffer) => {
      // Only the last few kilobytes are kept once started (for the exit message): the bench shares the CPU.
      out = (out + chunk.toString()).slice(started ? -4096 : 0);
      const m = started ? null : ready.exec(out);
      if (m) {
        started = true;
        clearTimeout(timer);
        resolve({ child, port: Number(m[1]) });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`process exited (${code}):\n${out}`)));
  });
}

/** RSS and CPU time of the servers (every instance), children included. */
function procStats(pids: number[]): { rssMb: number; cpuS: number } {
  let rssKb = 0;
  let cpuS = 0;
  for (const p of serverProcesses(processes(), pids)) {
    const status = readFileSync(`/proc/${p.pid}/status`, 'utf8');
    rssKb += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    cpuS += p.cpuS;
  }
  return { rssMb: Math.round(rssKb / 102.4) / 10, cpuS };
}

/** The counters read around a phase: every process's CPU, and the servers' system calls and kernel time. */
interface PhaseCounters {
  machine: CpuByProcess;
  syscalls: { reads: number; writes: number };
  serverCpuS: number;
  serverSysS: number;
}

/** One reading of /proc for all of them. */
function phaseCounters(pids: number[]): PhaseCounters {
  const all = processes();
  const server = serverProcesses(all, pids);
  return {
    machine: cpuByProcess(all, server),
    syscalls: syscallsOf(server),
    serverCpuS: server.reduce((s, p) => s + p.cpuS, 0),
    serverSysS: server.reduce((s, p) => s + p.sysS, 0),
  };
}

/**
 * A phase's "CPU by process" and "system calls of Guichet" lines. The kernel's part of Guichet's CPU is said
 * because, on loopback, each socket write also runs the receiver's network stack in the writer's system call:
 * a turn that writes more often costs more CPU without any more JavaScript.
 */
function phaseLines(before: PhaseCounters, after: PhaseCounters, turns: number): string[] {
  const perTurn = (n: number) => (n / Math.max(1, turns)).toFixed(1);
  const cpu = after.serverCpuS - before.serverCpuS;
  const kernel = cpu > 0 ? Math.round((100 * (after.serverSysS - before.serverSysS)) / cpu) : 0;
  return [
    `CPU by process: ${cpuPerTurn(before.machine, after.machine, turns)}`,
    `system calls of Guichet per turn: ${perTurn(after.syscalls.writes - before.syscalls.writes)} writes, ${perTurn(after.syscalls.reads - before.syscalls.reads)} reads; the kernel ${kernel} % of its CPU`,
  ];
}

/** Seconds of each slice when the ratio is measured in alternating slices. */
const RATIO_SLICE_S = 2;

/**
 * Two closed loops in turn, `slices` times each (first, second, first, …): their throughputs over all their
 * slices, and the first's over the second's; also each pair of slices' ratio (a slice of the first over the
 * next of the second), whose median one episode of the host — a slice at half speed on one side — does not move.
 */
async function alternate(
  first: () => Promise<LatencyStats>,
  second: () => Promise<LatencyStats>,
  slices: number,
): Promise<{
  first: number;
  second: number;
  ratio: number;
  pairs: { median: number; min: number; max: number };
  slices: number;
  errors: number;
}> {
  const totals = [
    { count: 0, s: 0 },
    { count: 0, s: 0 },
  ];
  const pairRatios: number[] = [];
  let errors = 0;
  for (let i = 0; i < slices; i++) {
    const rates: number[] = [];
    for (const [k, loop] of [first, second].entries()) {
      const t0 = performance.now();
      const stats = await loop();
      const s = (performance.now() - t0) / 1000;
      totals[k]!.s += s;
      totals[k]!.count += stats.count;
      rates.push(stats.count / s);
      errors += stats.errors;
    }
    pairRatios.push(rates[0]! / rates[1]!);
  }
  const [a, b] = totals.map((t) => Math.round((t.count / t.s) * 100) / 100) as [number, number];
  const sorted = pairRatios.sort((x, y) => x - y);
  const mid = sorted.length / 2;
  const median = sorted.length % 2 ? sorted[Math.floor(mid)]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return {
    first: a,
    second: b,
    ratio: a / b,
    pairs: { median, min: sorted[0]!, max: sorted[sorted.length - 1]! },
    slices,
    errors,
  };
}

/**
 * Pages (8 KB buffers) the run's database has read so far, from its shared buffers or not: like the system
 * calls, a count the machine's other load does not move, which shows a plan reading more than it needs. Each
 * PostgreSQL session reports its counts at most once a second, so a phase's figure is within about a second's.
 */
async function pagesRead(url: string): Promise<number> {
  const { rows } = await withAdmin(url, (admin) =>
    admin.query<{ n: string }>(
      'SELECT blks_hit + blks_read AS n FROM pg_stat_database WHERE datname = current_database()',
    ),
  );
  return Number(rows[0]?.n ?? 0);
}

const smsCall = (baseUrl: string, from: string, body: string): HttpCall =>
  signedSms(AUTH_TOKEN, baseUrl, TENANT_NUMBER, from, body);

function voiceCall(
  baseUrl: string,
  pathAndQuery: string,
  callSid: string,
  from: string,
  extra: Record<string, string>,
): HttpCall {
  const params: Record<string, string> = {
    AccountSid: 'AC00000000000000000000000000000000',
    ApiVersion: '2010-04-01',
    CallSid: callSid,
    CallStatus: 'in-progress',
    Direction: 'inbound',
    From: from,
    To: TENANT_NUMBER,
    ...extra,
  };
  const signature = twilio.getExpectedTwilioSignature(AUTH_TOKEN, `${baseUrl}${pathAndQuery}`, params);
  return {
    path: pathAndQuery,
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
    body: new URLSearchParams(params).toString(),
  };
}

/** A citizen's script on SMS: adaptive answers to what the assistant asks, until the scenario is done. */
type Citizen = ScriptedCitizen;

/** Citizen number n of a pool (its own phone numbers), starting the scenario its number gives. */
const newCitizen = (prefix: string, n: number): Citizen => ({
  phone: `${prefix}${String(n).padStart(7, '0')}`,
  scenario: (['hours', 'report', 'status'] as const)[n % 3]!,
  step: 0,
  lastReply: '',
  references: [],
  turns: 0,
});

/** Status questions answered with the citizen's request, and those that were not (a script gone wrong). */
const statusAnswers = (citizens: Citizen[]) => ({
  shown: citizens.reduce((n, c) => n + (c.statusShown ?? 0), 0),
  missed: citizens.reduce((n, c) => n + (c.statusMissed ?? 0), 0),
});

async function redisBytesPerConversation(url: string | undefined): Promise<number | null> {
  if (!url) return null;
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  let cursor = '0';
  const keys: string[] = [];
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', 'guichet:*conv:*', 'COUNT', 1000);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== '0' && keys.length < 2000);
  const sample = keys.slice(0, 500);
  let total = 0;
  for (const key of sample) total += Number((await redis.call('MEMORY', 'USAGE', key)) ?? 0);
  await redis.quit();
  return sample.length ? Math.round(total / sample.length) : null;
}

async function main() {
  if (opts.platform) {
    await (
      await import('./platform/bench')
    ).runPlatformBench({
      duration: DURATION,
      rate: RATE,
      territories: Number(opts.territories),
      requests: Number(opts.requests),
      active: Number(opts.active),
      warmup: WARMUP,
    });
    process.exit(0);
  }
  const realAdapters = Boolean(process.env.REDIS_URL && process.env.DATABASE_URL);
  log(
    `Guichet bench — ${realAdapters ? `real adapters: Redis ${process.env.REDIS_URL}, PostgreSQL ${process.env.DATABASE_URL}` : 'embedded adapters (PGlite + memory): set REDIS_URL and DATABASE_URL for the real ones'}`,
  );
  log(
    `phases of ${DURATION} s, ${CONCURRENCY} concurrent citizens, fixed rate ${RATE}/s, ${CONVERSATIONS} conversations for the memory phase`,
  );

  // The run's own database (dropped at the end), seeded with a year of another territory: every run measures the
  // same store.
  const database = realAdapters ? await createRunDatabase(process.env.DATABASE_URL!) : undefined;
  dropOnFailure = database?.drop;
  if (database) await seedHistory(database.url);
  if (realAdapters) {
    const redis = new Redis(process.env.REDIS_URL!, { maxRetriesPerRequest: 1 });
    let cursor = '0';
    do {
      const [next, batch] = await redis.scan(cursor, 'MATCH', 'guichet:*', 'COUNT', 1000);
      cursor = next;
      if (batch.length) await redis.del(...batch);
    } while (cursor !== '0');
    await redis.quit();
  }

  // 1. The limit: a bare express route with the same generator.
  const bare = await startProcess(
    [process.execPath, ['--import', 'tsx', 'bench/bare-server.ts']],
    { ...process.env, PORT: '0' },
    /LISTENING (\d+)/,
  );
  const bareSend = createClient(bare.port, CONCURRENCY);
  const bareCall: HttpCall = {
    path: '/bare',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'Body=bonjour&From=%2B33600000000',
  };
  const bareLoop = (seconds: number) =>
    closedLoop(
      bareSend,
      CONCURRENCY,
      seconds,
      () => bareCall,
      (_, r) => r.status === 200,
    );
  await bareLoop(1); // warm-up
  // Measured before and again right after the SMS phase: the machine's speed drifts (shared vCPUs), and the
  // ratio uses the mean of the two.
  const measureBare = () => bareLoop(Math.max(3, DURATION / 2));
  const bareBefore = await measureBare();
  log(`bare route:     ${bareBefore.perSecond} req/s, p50 ${bareBefore.p50} ms, p99 ${bareBefore.p99} ms`);
  // The latency floor of this machine and generator at the fixed rate: what the SMS p99 at that rate compares to.
  const bareRated = await fixedRate(
    bareSend,
    RATE,
    Math.max(3, DURATION / 2),
    () => bareCall,
    (_, r) => r.status === 200,
  );
  log(
    `bare @${RATE}/s:    p50 ${bareRated.p50} ms, p95 ${bareRated.p95} ms, p99 ${bareRated.p99} ms, max ${bareRated.max} ms`,
  );

  // 2. Guichet, as `npm start` runs it.
  const geocoder = await startFakeGeocoder();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'guichet-bench-'));
  const port = serverPort(); // the next one serves its metrics
  const baseUrl = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_URL: baseUrl,
    DATA_DIR: dataDir,
    ...(database ? { DATABASE_URL: database.url } : {}),
    LOG_LEVEL: 'info',
    WATCH_TERRITORIES: 'false',
    TWILIO_AUTH_TOKEN: AUTH_TOKEN,
    // The bench measures the turn path: simulated citizens send far more than the per-sender limit allows.
    RATE_LIMITS_ENABLED: 'false',
    GEOCODER_URL: geocoder.url,
    // A budget no phase reaches: the fake API has no limit (a platform's own addok), and the lookups still pay for it.
    GEOCODER_MAX_PER_SECOND: '10000',
    // Every simulated citizen reports the same address, which the cache would answer from memory every time (and
    // at one position, making each report a duplicate of the last): the bench pays the call, as for an address
    // seen once.
    GEOCODER_CACHE_ENTRIES: '0',
    WEBCHAT_SECRET: 'bench-webchat-secret',
    // The engine's stage timings, read around each SMS phase (bench/stages.ts; 3.5 µs per turn).
    ...(INSTANCES === 1 ? { METRICS_BIND: `127.0.0.1:${port + 1}` } : {}),
  };
  const metricsUrl = INSTANCES === 1 ? `http://127.0.0.1:${port + 1}/metrics` : undefined;
  /** The phase's mean per stage, printed under its figures (one instance only). */
  const logStages = async (before: StageTotals): Promise<void> => {
    const means = stageMeans(before, await readStages(metricsUrl));
    if (means) log(`                stages, mean ms: ${means}`);
  };
  build(); // what `npm start` runs first (prestart)
  let proxy: ChildProcess | undefined;
  const servers: { child: ChildProcess; port: number }[] = [];
  if (INSTANCES === 1) {
    servers.push(await startProcess(guichetCommand(), env, /"port":(\d+)/));
  } else {
    if (!realAdapters)
      throw new Error('--instances needs REDIS_URL and DATABASE_URL (shared by the instances)');
    // The instances listen on the next ports; the proxy takes `port`, the one PUBLIC_URL names (Twilio signs it).
    const own = (i: number): NodeJS.ProcessEnv => ({ ...env, PORT: String(port + 1 + i) });
    servers.push(await startProcess(guichetCommand(), own(0), /"port":(\d+)/)); // migrates alone
    for (let i = 1; i < INSTANCES; i++)
      servers.push(await startProcess(guichetCommand(), own(i), /"port":(\d+)/));
    const addresses = Object.fromEntries(
      servers.map((s, i) => [`GUICHET_INSTANCE_${i + 1}`, `127.0.0.1:${s.port}`]),
    );
    // A three-server configuration with fewer instances: the missing ones point at the first (round robin
    // then gives it a double share; say so in the figures).
    for (let i = INSTANCES; i < 3; i++)
      addresses[`GUICHET_INSTANCE_${i + 1}`] = `127.0.0.1:${servers[0]!.port}`;
    proxy = spawn('haproxy', ['-db', '-f', path.join(ROOT, 'deploy/haproxy/haproxy.cfg')], {
      env: { ...process.env, ...addresses, GUICHET_BIND: `127.0.0.1:${port}` },
      stdio: 'ignore',
    });
    for (let ready = false; !ready;) {
      ready = await fetch(`${baseUrl}/readyz`)
        .then((r) => r.ok)
        .catch(() => false);
      if (!ready) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // Every instance must be in the pool before measuring (health checks every second).
    await new Promise((resolve) => setTimeout(resolve, 2500));
    log(`instances:      ${INSTANCES} behind HAProxy on ${port} (${servers.map((s) => s.port).join(', ')})`);
  }
  const serverPids = servers.map((s) => s.child.pid!);
  const send = createClient(port, CONCURRENCY * 2);

  const citizens: Citizen[] = Array.from({ length: CONCURRENCY }, (_, i) => newCitizen('+3361', i));
  const smsCheck = (user: number, res: { status: number; body: string }) => {
    const ok = res.status === 200 && res.body.includes('<Response');
    if (ok) advance(citizens[user]!, decodeXml(res.body));
    return ok;
  };
  const nextCall = (user: number) => smsCall(baseUrl, citizens[user]!.phone, nextSms(citizens[user]!));

  // Warm-up (JIT, pools, caches). Halfway, the statistics of the rows the warm-up wrote, as autovacuum gives
  // them some minute or other: then it has nothing to do during the measured phase, whose plans no longer change
  // in the middle (a statement prepared on a few rows keeps its plan until statistics change).
  await closedLoop(send, CONCURRENCY, WARMUP / 2, nextCall, smsCheck);
  if (database) await withAdmin(database.url, (admin) => admin.query('ANALYZE'));
  await closedLoop(send, CONCURRENCY, WARMUP / 2, nextCall, smsCheck);
  const reportsBefore = citizens.reduce((n, c) => n + c.references.length, 0);
  const statusBefore = statusAnswers(citizens);
  const closedStages = await readStages(metricsUrl);
  const counters0 = phaseCounters(serverPids);
  const pages0 = database ? await pagesRead(database.url) : 0;
  const sms = await closedLoop(send, CONCURRENCY, DURATION, nextCall, smsCheck);
  const counters1 = phaseCounters(serverPids);
  const pagesPerTurn = database
    ? Math.round(((await pagesRead(database.url)) - pages0) / Math.max(1, sms.count))
    : null;
  const cpuPerTurnMs =
    Math.round(((counters1.serverCpuS - counters0.serverCpuS) * 1000 * 100) / Math.max(1, sms.count)) / 100;
  log(
    `sms (closed):   ${sms.perSecond} turns/s, p50 ${sms.p50} ms, p95 ${sms.p95} ms, p99 ${sms.p99} ms, max ${sms.max} ms, errors ${sms.errors}, CPU ${cpuPerTurnMs} ms/turn`,
  );
  for (const line of phaseLines(counters0, counters1, sms.count)) log(`                ${line}`);
  if (pagesPerTurn !== null) log(`                PostgreSQL pages per turn: ${pagesPerTurn}`);
  await logStages(closedStages);
  const bareAfter = await measureBare();
  const baseline = { perSecond: Math.round(((bareBefore.perSecond + bareAfter.perSecond) / 2) * 100) / 100 };
  log(
    `bare route:     ${bareAfter.perSecond} req/s after the SMS phase; mean ${baseline.perSecond} req/s, SMS ratio ${(sms.perSecond / baseline.perSecond).toFixed(3)}`,
  );
  const reports = citizens.reduce((n, c) => n + c.references.length, 0) - reportsBefore;
  const status = statusAnswers(citizens);
  log(
    `                during the phase: ${reports} incident reports registered with a reference, ${status.shown - statusBefore.shown} status answers with the request's card (${status.missed - statusBefore.missed} without)`,
  );
  // The ratio again, from the closed loop and the bare route in alternating slices of a few seconds: the host's
  // speed drifted 2–4× within minutes on shared vCPUs, which moved the ratio of phases measured a minute apart
  // more than any change in Guichet did (BENCHMARKS.md). Each slice ends when its last answers are in: a few
  // per cent of the SMS loop's throughput, less of the bare route's.
  const interleavedRatio = await alternate(
    () => closedLoop(send, CONCURRENCY, RATIO_SLICE_S, nextCall, smsCheck),
    () => bareLoop(RATIO_SLICE_S),
    Math.max(3, Math.round(DURATION / RATIO_SLICE_S)),
  );
  bare.child.kill();
  log(
    `ratio, interleaved: ${interleavedRatio.first} turns/s and ${interleavedRatio.second} req/s in alternating ${RATIO_SLICE_S} s slices (${interleavedRatio.slices} each), errors ${interleavedRatio.errors}: SMS ratio ${interleavedRatio.ratio.toFixed(3)}; by pair of slices, median ${interleavedRatio.pairs.median.toFixed(3)} (${interleavedRatio.pairs.min.toFixed(3)}–${interleavedRatio.pairs.max.toFixed(3)})`,
  );

  // The same multi-turn scripts at a fixed rate: each scheduled turn goes to the next citizen who is not
  // waiting for an answer (a pool of RATE citizens: about one turn per citizen per second). Their first messages,
  // which open their conversations, are sent first and measured apart (see firstContacts).
  const rateCitizens = citizenPool(
    RATE,
    (n) => newCitizen('+3362', n),
    (c) => smsCall(baseUrl, c.phone, nextSms(c)),
  );
  const openingStages = await readStages(metricsUrl);
  const opened = await firstContacts(send, RATE, rateCitizens);
  log(
    `sms @${RATE}/s:     first contacts (${opened.count}, each opening a conversation): p50 ${opened.p50} ms, p95 ${opened.p95} ms, p99 ${opened.p99} ms, max ${opened.max} ms, errors ${opened.errors}`,
  );
  await logStages(openingStages);
  const ratedStages = await readStages(metricsUrl);
  const ratedCounters = phaseCounters(serverPids);
  const rated = await fixedRate(
    send,
    RATE,
    DURATION,
    rateCitizens.next,
    rateCitizens.check,
    undefined,
    rateCitizens.latency,
  );
  log(
    `                then the conversations under way: p50 ${rated.p50} ms, p95 ${rated.p95} ms, p99 ${rated.p99} ms, max ${rated.max} ms, errors ${rated.errors}`,
  );
  for (const line of phaseLines(ratedCounters, phaseCounters(serverPids), rated.count + rated.errors))
    log(`                ${line}`);
  await logStages(ratedStages);
  // By step of the scripts: what the slowest answers were (the confirmation writes the request).
  const steps = [...rateCitizens.byStep].map(([step, latencies]) => {
    const s = summarize(latencies, 0, DURATION);
    return `${step} ${s.count} p50 ${s.p50} p99 ${s.p99} max ${s.max}`;
  });
  log(`                by step (ms): ${steps.join('; ')}`);

  let counter = 0;
  const webchatConversations = new Map<number, { id?: string; token?: string; n: number }>();
  const webchat = await closedLoop(
    send,
    CONCURRENCY,
    Math.max(3, DURATION / 2),
    (user) => {
      const c = webchatConversations.get(user) ?? { n: 0 };
      webchatConversations.set(user, c);
      const text = c.n % 2 === 0 ? 'Quels sont les horaires de la médiathèque ?' : 'et samedi ?';
      return {
        path: '/channels/webchat/messages',
        headers: { 'content-type': 'application/json', origin: baseUrl },
        body: JSON.stringify({
          text,
          conversationId: c.id,
          token: c.token,
          clientMessageId: `b${counter++}`,
        }),
      };
    },
    (user, res) => {
      if (res.status !== 200) return false;
      const body = JSON.parse(res.body) as { conversationId: string; token: string };
      const c = webchatConversations.get(user)!;
      c.id = body.conversationId;
      c.token = body.token;
      c.n += 1;
      if (c.n >= 6) webchatConversations.delete(user);
      return true;
    },
  );
  log(
    `webchat:        ${webchat.perSecond} turns/s, p50 ${webchat.p50} ms, p99 ${webchat.p99} ms, errors ${webchat.errors}, ratio ${(webchat.perSecond / baseline.perSecond).toFixed(3)}`,
  );

  // Voice: callers through signed <Gather> webhooks (call start, a spoken question, a spoken follow-up), a
  // quarter of the SMS concurrency (a phone line has few simultaneous calls). Twilio waits on each answer
  // while the caller hears silence: this latency is what the caller notices.
  const callers = new Map<number, { callSid: string; from: string; action?: string; n: number }>();
  let callCount = 0;
  const voiceConcurrency = Math.max(1, Math.round(CONCURRENCY / 4));
  const voice = await closedLoop(
    send,
    voiceConcurrency,
    Math.max(3, DURATION / 2),
    (user) => {
      let call = callers.get(user);
      if (!call) {
        callCount += 1;
        call = {
          callSid: `CA${randomBytes(16).toString('hex')}`,
          from: `+3364${String(callCount).padStart(7, '0')}`,
          n: 0,
        };
        callers.set(user, call);
      }
      const speech = call.n === 1 ? 'quels sont les horaires de la mairie' : 'et le samedi';
      const extra: Record<string, string> = call.action ? { SpeechResult: speech, Confidence: '0.93' } : {};
      return voiceCall(baseUrl, call.action ?? '/channels/twilio/voice', call.callSid, call.from, extra);
    },
    (user, res) => {
      const call = callers.get(user)!;
      const action = /<Gather[^>]*\saction="([^"]+)"/.exec(res.body)?.[1];
      if (res.status !== 200 || !action) return false;
      call.action = decodeXml(action).replace(baseUrl, '');
      // The answer to the question must give opening hours (not a "did not understand").
      if (call.n === 1 && !/\d{1,2} ?h/.test(res.body)) return false;
      call.n += 1;
      if (call.n >= 3) callers.delete(user); // hang up, call again
      return true;
    },
  );
  log(
    `voice:          ${voice.perSecond} webhooks/s with ${voiceConcurrency} calls at once, p50 ${voice.p50} ms, p95 ${voice.p95} ms, p99 ${voice.p99} ms, errors ${voice.errors}`,
  );

  // 3. Memory with many active conversations: one message each from CONVERSATIONS distinct numbers.
  const many = await countLoop(
    send,
    CONCURRENCY,
    CONVERSATIONS,
    (i) => smsCall(baseUrl, `+3363${String(i).padStart(7, '0')}`, 'bonjour'),
    (_i, res) => res.status === 200,
  );
  const made = many.count;
  const after = procStats(serverPids);
  const redisBytes = await redisBytesPerConversation(realAdapters ? process.env.REDIS_URL : undefined);
  log(
    `memory:         RSS ${after.rssMb} MB after ${made} extra conversations (${made + citizens.length + rateCitizens.citizens.length} in all); Redis ${redisBytes ?? 'n/a'} bytes/conversation`,
  );

  // Wait for the servers to exit: a profile (--cpu-prof) is written only on a clean exit.
  proxy?.kill('SIGTERM');
  const exited = Promise.all(servers.map((s) => new Promise((resolve) => s.child.once('exit', resolve))));
  for (const s of servers) s.child.kill('SIGTERM');
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 30_000))]);
  geocoder.close();
  // The servers' data folder (PGlite's, when the real adapters are not set) is this run's alone, and so is the
  // database.
  rmSync(dataDir, { recursive: true, force: true });
  await database?.drop();
  const figures = {
    adapters: realAdapters ? 'redis+postgresql' : 'memory+pglite',
    instances: INSTANCES,
    turns_per_s: sms.perSecond,
    p50_ms: sms.p50,
    p95_ms: sms.p95,
    p99_ms: sms.p99,
    max_ms: sms.max,
    errors:
      sms.errors +
      interleavedRatio.errors +
      opened.errors +
      rated.errors +
      webchat.errors +
      voice.errors +
      many.errors,
    baseline_rps: baseline.perSecond,
    ratio: Math.round((sms.perSecond / baseline.perSecond) * 1000) / 1000,
    ratio_interleaved: Math.round(interleavedRatio.ratio * 1000) / 1000,
    ratio_interleaved_median: Math.round(interleavedRatio.pairs.median * 1000) / 1000,
    fixed_rate: RATE,
    fixed_rate_p50_ms: rated.p50,
    fixed_rate_p95_ms: rated.p95,
    fixed_rate_p99_ms: rated.p99,
    first_contacts_p50_ms: opened.p50,
    first_contacts_p99_ms: opened.p99,
    bare_fixed_rate_p99_ms: bareRated.p99,
    webchat_turns_per_s: webchat.perSecond,
    webchat_p99_ms: webchat.p99,
    voice_p95_ms: voice.p95,
    voice_p99_ms: voice.p99,
    cpu_ms_per_turn: cpuPerTurnMs,
    pg_pages_per_turn: pagesPerTurn,
    redis_bytes_per_conversation: redisBytes,
    conversations: made + citizens.length + rateCitizens.citizens.length,
    rss_mb: after.rssMb,
  } satisfies Record<string, string | number | null>;
  log(JSON.stringify(figures));
  process.exit(0);
}

/** The run's database, dropped also when the bench fails (WITH FORCE: connections still open are closed). */
let dropOnFailure: (() => Promise<void>) | undefined;

export type { LatencyStats };
main().catch(async (error: unknown) => {
  console.error(error);
  await dropOnFailure?.().catch(() => undefined);
  process.exit(1);
});
