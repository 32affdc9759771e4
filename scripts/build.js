#!/usr/bin/env node
// `npm run build` (and `prestart`): transpiles the app's TypeScript to CommonJS in dist/ with esbuild, one
// file per source (no bundling, ~0.3 s), so `npm start` runs plain JavaScript without a TypeScript loader
// in memory. Type-checking stays `npm run typecheck`. Data and static files are not copied: the code finds
// them from the project root (bot/project-root.ts), so hot reload still works on the real files.
const { readdirSync, renameSync, rmSync, statSync, writeFileSync } = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const OUT_DIR = path.join(ROOT, 'dist');
const APP_DIRS = ['bot', 'intents', 'knowledge', 'channels', 'adapters', 'backoffice', 'server'];
const SKIPPED_DIRS = new Set(['node_modules', 'dist', 'tests', 'bench', '.scratch']);
const STAMP_NAME = '.built';

function sources(dir, files = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name)) sources(file, files);
    } else if (
      entry.name.endsWith('.ts') &&
      !entry.name.endsWith('.test.ts') &&
      !entry.name.endsWith('.d.ts')
    ) {
      files.push(file);
    }
  }
  return files;
}

/** The app's sources (what the build compiles). */
const appSources = () => APP_DIRS.flatMap((dir) => sources(path.join(ROOT, dir)));

/** The newest change among the app's sources (ms since the epoch): scripts/run-built.js compares it with builtAt. */
const newestSource = () => Math.max(0, ...appSources().map((f) => statSync(f).mtimeMs));

/** When dist/ was built (its stamp), or 0 when it has none. */
function builtAt() {
  try {
    return statSync(path.join(OUT_DIR, STAMP_NAME)).mtimeMs;
  } catch {
    return 0;
  }
}

function build() {
  const started = process.hrtime.bigint();
  const entryPoints = appSources();
  // Built beside dist/, then swapped in: a server running from dist/ (or a command run at the same time) never
  // sees it empty or half-written, only for the instant between two renames.
  const staging = `${OUT_DIR}.building-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  require('esbuild').buildSync({
    entryPoints,
    outdir: staging,
    outbase: ROOT,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    // Native `import()` inside CommonJS goes through Node's ES module resolver, which refuses directory and
    // extensionless specifiers ('../adapters/llm'): lazy loads become `require` behind a promise instead,
    // resolved like every other import of the build (tests/smoke proves the built server loads them).
    supported: { 'dynamic-import': false },
    sourcemap: true,
    logLevel: 'warning',
  });
  writeFileSync(path.join(staging, STAMP_NAME), `${new Date().toISOString()}\n`);
  // Each attempt moves the current dist/ to a name of its own (a second rename onto the first one's would fail).
  const olds = [];
  for (let attempt = 0; ; attempt++) {
    const old = `${OUT_DIR}.old-${process.pid}-${attempt}`;
    try {
      renameSync(OUT_DIR, old);
      olds.push(old);
    } catch (error) {
      if (error.code !== 'ENOENT') throw error;
    }
    try {
      renameSync(staging, OUT_DIR);
      break;
    } catch (error) {
      // Another build swapped its own in between the two renames: swap again over it.
      if (!['ENOTEMPTY', 'EEXIST'].includes(error.code) || attempt >= 3) throw error;
    }
  }
  for (const old of olds) rmSync(old, { recursive: true, force: true });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  return { files: entryPoints.length, ms };
}

module.exports = { build, newestSource, builtAt };

if (require.main === module) {
  const { files, ms } = build();
  console.log(`built ${files} files into dist/ in ${Math.round(ms)} ms`);
}
