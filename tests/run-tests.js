#!/usr/bin/env node
// `npm test`: runs jest (with the VM-modules flag PGlite needs to load its WASM), then says which
// real-server suites were skipped. With REQUIRE_SERVICES=1 (set by .ci/run) any such skip fails the run.
const { spawnSync } = require('node:child_process');
const { mkdtempSync, readFileSync, existsSync } = require('node:fs');
const { tmpdir } = require('node:os');
const path = require('node:path');

const report = path.join(mkdtempSync(path.join(tmpdir(), 'guichet-skips-')), 'skips.tsv');
const env = {
  ...process.env,
  GUICHET_SKIP_REPORT: report,
  NODE_OPTIONS: [process.env.NODE_OPTIONS, '--experimental-vm-modules', '--no-warnings']
    .filter(Boolean)
    .join(' '),
};
const jestBin = require.resolve('jest/bin/jest');
const summaryFile = path.join(path.dirname(report), 'jest-summary.json');
// --forceExit: a client library's idle timer must not keep CI waiting after every suite has finished.
const result = spawnSync(
  process.execPath,
  [jestBin, '--json', `--outputFile=${summaryFile}`, '--forceExit', ...process.argv.slice(2)],
  {
    stdio: 'inherit',
    env,
  },
);

const skipped = existsSync(report)
  ? [...new Set(readFileSync(report, 'utf8').trim().split('\n').filter(Boolean))]
  : [];
if (skipped.length > 0) {
  console.log(
    `\nSkipped ${skipped.length} suite(s) that need a real server (set REDIS_URL / DATABASE_URL or start the server):`,
  );
  for (const line of skipped) console.log(`  - ${line.replace('\t', ': ')}`);
  if (process.env.REQUIRE_SERVICES === '1') {
    console.error('\nREQUIRE_SERVICES=1: a suite that needs Redis or PostgreSQL was skipped. Failing.');
    process.exit(1);
  }
} else {
  console.log('\nAll real-server suites ran (Redis and PostgreSQL reachable).');
}
if (existsSync(summaryFile)) {
  const s = JSON.parse(readFileSync(summaryFile, 'utf8'));
  // One plain closing line that CI tools read: 'N passed, N failed, N skipped'.
  console.log(
    `\njest: ${s.numPassedTests} passed, ${s.numFailedTests} failed, ${s.numPendingTests + s.numTodoTests} skipped`,
  );
}
process.exit(result.status ?? 1);
