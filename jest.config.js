// Jest with the SWC transformer (fast, CommonJS). Suites needing a real Redis/PostgreSQL server use
// tests/support/services.ts, which reads what tests/support/global-setup.js found reachable.
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  testMatch: ['**/?(*.)test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/data/', '<rootDir>/dist[/.]'],
  // dist/ is `npm run build`'s output (compiled copies of the sources; dist.building-* while it builds): kept out
  // of jest's module map.
  modulePathIgnorePatterns: ['<rootDir>/dist[/.]'],
  globalSetup: '<rootDir>/tests/support/global-setup.js',
  // The built-in channels' capabilities, registered as the server does at start.
  setupFiles: ['<rootDir>/tests/support/register-channels.ts'],
  testTimeout: 30000,
  // Jest's default on 2 cores is a single worker; suites spend much of their time waiting on PGlite/Redis/PostgreSQL.
  maxWorkers: 2,
};
