// The data directory lock on its own (the built server and the CLI are in tests/smoke/operations.test.ts).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { DataDirLockedError, LOCK_FILE, lockDataDir } from './data-dir-lock';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'guichet-lock-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const lockFile = (): string => path.join(dir, LOCK_FILE);
const writeOwner = (pid: number, host = hostname()): void =>
  writeFileSync(lockFile(), JSON.stringify({ pid, host, startedAt: '2026-12-01T08:00:00.000Z' }));
/** A pid that no process has: the one of a child that already exited. */
const deadPid = (): number => spawnSync(process.execPath, ['-e', '0']).pid!;

it('takes the directory, refuses it a second time, and frees it on release', () => {
  const release = lockDataDir(dir);
  expect(JSON.parse(readFileSync(lockFile(), 'utf8'))).toMatchObject({ pid: process.pid, host: hostname() });
  expect(() => lockDataDir(dir)).toThrow(DataDirLockedError);
  release();
  expect(existsSync(lockFile())).toBe(false);
  lockDataDir(dir)();
});

it('refuses a directory held by a live process, saying who holds it and what to do', () => {
  writeOwner(process.ppid); // the test runner: alive
  let error: unknown;
  try {
    lockDataDir(dir);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(DataDirLockedError);
  expect((error as Error).message).toMatch(new RegExp(`pid ${process.ppid}`));
  expect((error as Error).message).toMatch(/déjà ouvert.*POST \/api\/v1\/tokens/s);
  expect((error as Error).message).toMatch(/allows one process only: use the running server instead/);
  // The holder's lock is left as it was.
  expect(JSON.parse(readFileSync(lockFile(), 'utf8'))).toMatchObject({ pid: process.ppid });
});

it('takes over the lock of a process that died', () => {
  writeOwner(deadPid());
  const release = lockDataDir(dir);
  expect(JSON.parse(readFileSync(lockFile(), 'utf8'))).toMatchObject({ pid: process.pid });
  release();
});

it('refuses a lock taken on another host, and says how to clear it', () => {
  writeOwner(deadPid(), 'another-host');
  expect(() => lockDataDir(dir)).toThrow(/on another host: if no server runs there any more, delete/);
});

it('does not remove a lock that another process took over after us', () => {
  const release = lockDataDir(dir);
  writeOwner(process.ppid);
  release();
  expect(existsSync(lockFile())).toBe(true);
});
