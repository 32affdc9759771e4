#!/usr/bin/env node
// The operations commands (`npm run token:create`, `retention`, `indicators:rebuild`, `import:annuaire`) run the
// compiled JavaScript of dist/, as `npm start` does, not the TypeScript sources through tsx: what ships is what
// is tested, and tsx is a development dependency (`npm ci --omit=dev` leaves it out).
// dist/ is built when it is missing (a fresh checkout) or lacks the command. When the sources changed after
// the build (an update not yet restarted), the command runs the build the server runs, and says so: rebuilding
// here would change the code under a running server (`npm start` rebuilds at the restart).
// Usage: node scripts/run-built.js <source path without extension> [arguments…]
const { existsSync } = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const [, , source, ...args] = process.argv;
if (!source) {
  console.error('usage: node scripts/run-built.js <source path without .ts> [arguments…]');
  process.exit(2);
}
const compiled = path.join(ROOT, 'dist', `${source.replace(/\.ts$/, '')}.js`);
const { build, newestSource, builtAt } = require('./build');
if (!existsSync(compiled)) {
  const { files, ms } = build();
  console.error(`built ${files} files into dist/ in ${Math.round(ms)} ms`);
  if (!existsSync(compiled)) {
    console.error(`${source} is not part of the build (scripts/build.js)`);
    process.exit(2);
  }
} else if (newestSource() > builtAt()) {
  console.error(
    'Note: the sources changed after dist/ was built; this runs the build the server was started from. ' +
      'Restart the server with `npm start` (it rebuilds), or `npm run build` when no server runs.',
  );
}
// The command sees its own arguments, as if it had been started itself.
process.argv = [process.argv[0], compiled, ...args];
require(compiled);
