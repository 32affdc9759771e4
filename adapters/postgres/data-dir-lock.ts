// PGlite is PostgreSQL in one process: two processes opening the same data directory corrupt it (a CLI run
// while the server is up loses tokens and audit rows). The first process to open a directory writes a lock
// file with its pid and host; any other process refuses to open it, with a message saying what to do
// instead. A lock left by a process that died (kill -9, power cut) is taken over when its pid is gone.
// Node has no portable OS-level file lock without a native module, hence a pid file created atomically.
import { hostname } from 'node:os';
import path from 'node:path';
import { linkSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';

export const LOCK_FILE = 'guichet.lock';

interface LockOwner {
  pid: number;
  host: string;
  startedAt: string;
}

/** Thrown when another live process holds the data directory. */
export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly owner: LockOwner | undefined,
  ) {
    const who = owner ? `pid ${owner.pid} on ${owner.host}, since ${owner.startedAt}` : 'unknown process';
    const lockFile = path.join(dataDir, LOCK_FILE);
    super(
      `Le dossier de données ${dataDir} est déjà ouvert par un autre processus Guichet (${who}). ` +
        'La base embarquée (PGlite) n’accepte qu’un processus à la fois : passez par le serveur en marche ' +
        '(console /console ou API /api/v1, par exemple POST /api/v1/tokens avec ADMIN_TOKEN), ' +
        'ou arrêtez-le avant de relancer cette commande.\n' +
        `The data directory ${dataDir} is already open in another Guichet process (${who}). ` +
        'The embedded database (PGlite) allows one process only: use the running server instead ' +
        '(console /console or API /api/v1, e.g. POST /api/v1/tokens with ADMIN_TOKEN), ' +
        'or stop it before running this command again.' +
        (owner && owner.host !== hostname()
          ? `\nThe lock was taken on another host: if no server runs there any more, delete ${lockFile}.`
          : ''),
    );
    this.name = 'DataDirLockedError';
  }
}

const held = new Map<string, string>(); // data dir → lock file, for this process

function readOwner(file: string): LockOwner | undefined {
  try {
    const owner = JSON.parse(readFileSync(file, 'utf8')) as Partial<LockOwner>;
    if (typeof owner.pid === 'number' && typeof owner.host === 'string')
      return { pid: owner.pid, host: owner.host, startedAt: String(owner.startedAt ?? '?') };
  } catch {
    // unreadable or half-written: treated as an unknown owner below
  }
  return undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A lock whose process is gone on this host. Our own pid counts as gone: a restarted container reuses pids. */
function isStale(owner: LockOwner | undefined): boolean {
  if (!owner) return false;
  if (owner.host !== hostname()) return false;
  return owner.pid === process.pid || !isAlive(owner.pid);
}

/**
 * Takes the data directory for this process (idempotent within it) or throws DataDirLockedError. The lock
 * is released by `release` (on close) and, failing that, when the process exits.
 */
export function lockDataDir(dataDir: string): () => void {
  const dir = path.resolve(dataDir);
  const file = path.join(dir, LOCK_FILE);
  if (held.has(dir)) throw new DataDirLockedError(dir, readOwner(file));
  const owner: LockOwner = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString() };
  // Written aside then hard-linked into place: link() fails if the lock exists, so two processes starting
  // together cannot both win, and nobody ever reads a half-written lock.
  const candidate = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  writeFileSync(candidate, JSON.stringify(owner), { mode: 0o644 });
  try {
    for (let attempt = 0; ; attempt += 1) {
      try {
        linkSync(candidate, file);
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const current = readOwner(file);
        if (attempt === 0 && isStale(current)) {
          rmSync(file, { force: true });
          continue;
        }
        throw new DataDirLockedError(dir, current);
      }
    }
  } finally {
    rmSync(candidate, { force: true });
  }
  held.set(dir, file);
  const onExit = (): void => release();
  process.once('exit', onExit);
  function release(): void {
    if (held.get(dir) !== file) return;
    held.delete(dir);
    process.removeListener('exit', onExit);
    // Only our own lock: never remove one that another process took over.
    if (readOwner(file)?.pid === owner.pid) {
      try {
        unlinkSync(file);
      } catch {
        // already gone
      }
    }
  }
  return release;
}
