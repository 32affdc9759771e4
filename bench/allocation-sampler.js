// Preloaded into the server by `BENCH_NODE_ARGS="--require ./bench/allocation-sampler.js" npm run bench`:
// from ALLOCATION_DELAY_MS (default 12,500) after the first SMS webhook (past the bench's warm-up, 12 s by
// default) it samples every allocation for 5 s,
// collected objects included (node's --heap-prof keeps only what is still alive), then writes the profile and
// the number of SMS webhooks received meanwhile to ALLOCATION_PROFILE (default
// $TMPDIR/guichet-allocations.json). `npx tsx bench/allocation-summary.ts` turns it into bytes per turn.
// ALLOCATION_SURVIVORS=1 keeps only the objects no young-generation collection freed: those promoted to the old
// generation (what makes the full collections come; BENCHMARKS.md), but also the young garbage a full collection
// freed, so an upper bound — `--trace-gc-nvp`'s `promoted=` is the exact amount. ALLOCATION_ON_SIGNAL=1 starts
// sampling at a SIGUSR2 and writes the profile at the next one (for one phase of the platform bench, whose servers
// get webhooks from several phases); "{pid}" in ALLOCATION_PROFILE is replaced by the server's process id.
// Plain JavaScript (CommonJS): --require runs before the compiled server, without a TypeScript loader.
const inspector = require('node:inspector');
const http = require('node:http');
const { writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const path = require('node:path');

const OUT = (process.env.ALLOCATION_PROFILE || path.join(tmpdir(), 'guichet-allocations.json')).replace(
  '{pid}',
  String(process.pid),
);
const DELAY_MS = Number(process.env.ALLOCATION_DELAY_MS || 12_500);
const SURVIVORS = process.env.ALLOCATION_SURVIVORS === '1';
const ON_SIGNAL = process.env.ALLOCATION_ON_SIGNAL === '1';
const session = new inspector.Session();
session.connect();
let started = false;
let sampling = false;
let turns = 0;
const emit = http.Server.prototype.emit;
http.Server.prototype.emit = function (event, request, ...rest) {
  if (event === 'request' && request.url.startsWith('/channels/twilio/sms')) {
    if (sampling) turns += 1;
    if (!started && !ON_SIGNAL) {
      started = true;
      setTimeout(start, DELAY_MS).unref();
    }
  }
  return emit.call(this, event, request, ...rest);
};

function start() {
  const options = {
    samplingInterval: 8192,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: !SURVIVORS,
  };
  session.post('HeapProfiler.startSampling', options, (error) => {
    if (error) return console.error('allocation sampler:', error.message);
    sampling = true;
    if (!ON_SIGNAL) setTimeout(stop, 5000).unref();
  });
}

function stop() {
  session.post('HeapProfiler.stopSampling', (error, result) => {
    sampling = false;
    if (error) return console.error('allocation sampler:', error.message);
    writeFileSync(OUT, JSON.stringify({ turns, survivors: SURVIVORS, profile: result.profile }));
  });
}

if (ON_SIGNAL) process.on('SIGUSR2', () => (sampling ? stop() : start()));
