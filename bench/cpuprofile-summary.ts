// `npx tsx bench/cpuprofile-summary.ts <file.cpuprofile> [seconds] [skip]`: where the server's CPU went during the
// SMS phase of `BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=…" npm run bench` (BENCHMARKS.md). The window
// starts `skip` seconds (default 12) after the first sample inside a turn (engine handleTurn) and lasts `seconds`
// (default 6: the closed loop at --duration 6 after the 12 s warm-up; for the platform bench's phase over all
// tenants, 6 and 18); idle samples are left out, so the shares are of busy time.
// Socket writes are attributed to what wrote them (a write system call also runs the receiver's network
// stack on loopback, and wakes it: that is where Redis and PostgreSQL round trips show up). V8 samples wall
// time: on two cores the woken receiver often takes the CPU before the call returns, so the writes' share is
// partly time Guichet waited, not CPU it used (`perf record -e cpu-clock` saw the main thread on a CPU for
// 65–70 % of the time this profile calls busy, in the SMS closed loop).
import { readFileSync } from 'node:fs';

interface CallFrame {
  functionName: string;
  url: string;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, seconds = '6', skip = '12'] = process.argv.slice(2);
if (!file) throw new Error('usage: tsx bench/cpuprofile-summary.ts <file.cpuprofile> [seconds] [skip]');
const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const frameOf = (id: number): CallFrame => byId.get(id)!.callFrame;
/** Whether a frame above `id` (not `id` itself) matches `re` on "url functionName". */
function calledFrom(id: number, re: RegExp): boolean {
  for (let cur = parent.get(id); cur !== undefined; cur = parent.get(cur)) {
    const f = frameOf(cur);
    if (re.test(`${f.url} ${f.functionName}`)) return true;
  }
  return false;
}

const WRITE = /^(writev?|writeUtf8String|writeLatin1String|writeBuffer)$/;
const isWrite = (id: number) => WRITE.test(frameOf(id).functionName);
const fromUrl = (re: RegExp) => (id: number) => re.test(frameOf(id).url);
const groups: [string, (id: number) => boolean][] = [
  ['socket writes to PostgreSQL', (id) => isWrite(id) && calledFrom(id, /node_modules\/pg\//)],
  ['socket writes to Redis', (id) => isWrite(id) && calledFrom(id, /ioredis|redis\/client/)],
  ['socket writes, HTTP responses', (id) => isWrite(id) && calledFrom(id, /_http_outgoing/)],
  ['socket writes, not attributed', isWrite],
  ['garbage collector', (id) => frameOf(id).functionName === '(garbage collector)'],
  [
    'express, router, body parsing',
    fromUrl(
      /node_modules\/(express|router|body-parser|qs|raw-body|parseurl|finalhandler|type-is|content-type)\//,
    ),
  ],
  ['zod', fromUrl(/node_modules\/zod\//)],
  ['pg driver', fromUrl(/node_modules\/pg(-protocol|-pool)?\//)],
  ['ioredis', fromUrl(/node_modules\/ioredis\//)],
  ['NLU (bot/nlu)', fromUrl(/\/bot\/nlu\//)],
  ['SMS rendering (channels/render)', fromUrl(/\/channels\/render\//)],
  ['TwiML and signature (twilio, xmlbuilder)', fromUrl(/node_modules\/(twilio|xmlbuilder)\//)],
  [
    'HTTP and sockets (Node internals)',
    fromUrl(/^node:(_http|net|internal\/streams|internal\/stream_base|events|buffer)/),
  ],
  ['outgoing HTTP (undici: geocoder)', fromUrl(/undici/)],
  [
    'territories inflated again (beyond the cache: inflate, parse)',
    (id) => calledFrom(id, /knowledge\/territory\/load/),
  ],
  [
    'FAQ indexes (knowledge/retrieval)',
    (id) => calledFrom(id, /knowledge\/retrieval/) || fromUrl(/knowledge\/retrieval/)(id),
  ],
  [
    'opening hours (knowledge/opening-hours, opening_hours)',
    (id) =>
      calledFrom(id, /knowledge\/opening-hours|node_modules\/opening_hours/) || fromUrl(/opening_hours/)(id),
  ],
  ['other Guichet code', fromUrl(/\/(bot|channels|adapters|server|intents|knowledge|backoffice)\//)],
  ['other dependencies', fromUrl(/node_modules/)],
  ['rest (native, Node internals)', () => true],
];

const inTurn = (id: number) => calledFrom(id, / handleTurn$/) || frameOf(id).functionName === 'handleTurn';
const from = profile.samples.findIndex(inTurn);
if (from < 0) throw new Error('no sample inside a turn: was the profile taken under the bench?');
const shares = new Map<string, number>();
let busy = 0;
const skipUs = Number(skip) * 1e6;
for (let i = from, elapsed = 0; i < profile.samples.length && elapsed < skipUs + Number(seconds) * 1e6; i++) {
  const id = profile.samples[i]!;
  const delta = profile.timeDeltas[i] ?? 0;
  elapsed += delta;
  if (elapsed < skipUs) continue;
  if (frameOf(id).functionName === '(idle)') continue;
  busy += delta;
  const [group] = groups.find(([, matches]) => matches(id))!;
  shares.set(group, (shares.get(group) ?? 0) + delta);
}
process.stdout.write(
  `${(busy / 1000).toFixed(0)} ms of busy samples in the ${seconds} s from ${skip} s after the first turn\n`,
);
for (const [group] of groups) {
  const share = shares.get(group);
  if (share) process.stdout.write(`${((100 * share) / busy).toFixed(1).padStart(5)} %  ${group}\n`);
}
