// Embedded ConversationStateStore: one process, one Map. Values are kept serialized so a caller
// mutating the object it got (or gave) never changes what is stored, exactly as with Redis.
import { GuichetError } from '../../bot/errors';
import type { ConversationStateStore, JsonObject, VersionedState } from '../../bot/ports';

const SWEEP_EVERY = 1000;

interface Entry {
  json: string;
  version: number;
  expiresAt: number;
}

export class MemoryStateStore implements ConversationStateStore {
  private readonly entries = new Map<string, Entry>();
  private closed = false;
  private writes = 0;

  constructor(private readonly now: () => number = Date.now) {}

  async get(key: string): Promise<VersionedState | null> {
    const entry = this.live(key);
    return entry ? { data: JSON.parse(entry.json) as JsonObject, version: entry.version } : null;
  }

  async set(key: string, data: JsonObject, expectedVersion: number, ttlSeconds: number): Promise<number> {
    assertTtl(ttlSeconds);
    const current = this.live(key)?.version ?? 0;
    if (current !== expectedVersion) {
      throw new GuichetError('STALE_STATE', `State ${key} is at version ${current}, not ${expectedVersion}`);
    }
    const version = current + 1;
    this.entries.set(key, { json: JSON.stringify(data), version, expiresAt: this.now() + ttlSeconds * 1000 });
    // Conversations that never come back are never read again: sweep now and then so the Map stays bounded.
    if (++this.writes % SWEEP_EVERY === 0) this.sweep();
    return version;
  }

  async delete(key: string): Promise<void> {
    this.entries.delete(key);
  }

  async ping(): Promise<void> {
    if (this.closed) throw new GuichetError('DEPENDENCY_UNAVAILABLE', 'Memory state store is closed');
  }

  async close(): Promise<void> {
    this.closed = true;
    this.entries.clear();
  }

  private sweep(): void {
    const now = this.now();
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(key);
  }

  /** Lazy expiry: an expired entry is dropped the first time it is looked at. */
  private live(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }
}

export function assertTtl(ttlSeconds: number): void {
  if (!Number.isFinite(ttlSeconds) || ttlSeconds <= 0) {
    throw new GuichetError('BAD_REQUEST', `TTL must be a positive number of seconds, got ${ttlSeconds}`);
  }
}
