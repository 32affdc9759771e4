// Lint config. The import restrictions enforce the ports-and-adapters layout described in
// docs/architecture.md: the engine (bot/, intents/, knowledge/) never reaches a channel or an adapter,
// channels never import each other, and botbuilder stays confined to channels/botframework.
// (Flat config keeps only the last `no-restricted-imports` per file, so each folder gets one full rule.)
// Block-based: each concern is one block below; add a rule as a block of its own.
import globals from 'globals';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import { readdirSync } from 'node:fs';
import tseslint from 'typescript-eslint';

// Every folder of channels/ is a channel, except the libraries they share (a new channel needs no edit here).
const sharedByChannels = ['render', 'twilio-common'];
const channels = readdirSync(new URL('./channels', import.meta.url), { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && !sharedByChannels.includes(entry.name))
  .map((entry) => entry.name);
const botbuilderOnlyInItsFolder = {
  group: ['botbuilder', 'botbuilder-*', 'botframework-*'],
  message: 'botbuilder is confined to channels/botframework (swapping it must stay a one-folder change).',
};
const otherChannels = (self) =>
  channels
    .filter((c) => c !== self)
    .map((c) => ({
      group: [`**/channels/${c}`, `**/channels/${c}/**`, `../${c}`, `../${c}/**`],
      message: 'Channels never import each other (shared Twilio code lives in channels/twilio-common).',
    }));
const restrict = (patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'dist/**',
      'data/**',
      'coverage/**',
      '.scratch/**',
      '**/browser-globals.d.ts' /* declarations only, checked by tsconfig.browser.json */,
    ],
  },
  ...tseslint.configs.recommended,
  // Type-aware rules (TypeScript only): a promise nobody awaits loses its error, and one passed where a
  // callback's result is ignored runs unchecked. Fire-and-forget is written `void p.catch(log)`.
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  // No import cycles between our modules. import-x skips `import type` by design; the type-only cycles
  // are caught by tests/e2e/import-cycles.test.ts.
  {
    files: ['**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js', '.json'] })],
    },
    rules: { 'import-x/no-cycle': ['error', { ignoreExternal: true }] },
  },
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  // Plain CommonJS tooling files (jest config, test runner, global setup).
  { files: ['**/*.js'], rules: { '@typescript-eslint/no-require-imports': 'off' } },
  { files: ['**/*.ts'], rules: restrict([botbuilderOnlyInItsFolder]) },
  {
    files: ['bot/**/*.ts', 'intents/**/*.ts', 'knowledge/**/*.ts'],
    rules: restrict([
      botbuilderOnlyInItsFolder,
      { group: ['**/channels', '**/channels/**'], message: 'The core never imports a channel.' },
      {
        group: ['**/adapters', '**/adapters/**'],
        message: 'The core never imports an adapter: depend on a port in bot/ports.',
      },
      { group: ['**/server', '**/server/**'], message: 'The core never imports the composition root.' },
      {
        group: ['twilio', 'ioredis', 'pg', '@electric-sql/pglite', 'express'],
        message: 'Infrastructure libraries belong in adapters/ or channels/.',
      },
    ]),
  },
  // Adapters implement ports; what a message looks like on a medium is the channel's (issue 22, point 6).
  {
    files: ['adapters/**/*.ts'],
    rules: restrict([
      botbuilderOnlyInItsFolder,
      { group: ['**/channels', '**/channels/**'], message: 'Adapters never import a channel.' },
    ]),
  },
  // One public service never imports another (issue 22): what two services share lives in intents/common/.
  // A separate rule name (not no-restricted-imports) so this block adds to the core block instead of replacing it.
  {
    files: ['intents/*/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        ...['ImportDeclaration', 'ExportNamedDeclaration', 'ExportAllDeclaration'].map((node) => ({
          // "../<folder>" from intents/<service>/: any sibling folder but common/ (and ../deps, a file).
          selector: `${node}[source.value=/^\\.\\.\\x2F(?!common(\\x2F|$)|deps$)[\\w-]+(\\x2F|$)/]`,
          message: 'A public service never imports another: move what they share to intents/common/.',
        })),
      ],
    },
  },
  ...channels.map((c) => ({
    files: [`channels/${c}/**/*.ts`],
    rules: restrict(
      c === 'botframework' ? otherChannels(c) : [botbuilderOnlyInItsFolder, ...otherChannels(c)],
    ),
  })),
  // The plain browser scripts (web chat widget, agent console): browser globals only, no build step.
  // They are type-checked from their JSDoc by tsconfig.browser.json (`npm run typecheck`).
  {
    files: ['**/public/**/*.js'],
    languageOptions: { sourceType: 'script', globals: { ...globals.browser } },
    rules: {
      'no-undef': 'error',
      'no-var': 'off',
      // `catch (e)` without using e: optional catch binding is avoided for older browsers.
      '@typescript-eslint/no-unused-vars': ['error', { caughtErrors: 'none' }],
    },
  },
);
