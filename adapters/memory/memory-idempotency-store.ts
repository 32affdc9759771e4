// Embedded IdempotencyStore: claims on provider message ids in one process. JavaScript runs one
// claim at a time, so check-and-set on the Map is atomic here.
import type { IdempotencyClaim, IdempotencyStore } from '../../bot/ports';
import { assertTtl } from './memory-state-store';

type Entry =
  { status: 'in_progress'; expiresAt: number } | { status: 'done'; result: string; expiresAt: number };

const SWEEP_EVERY = 1000;

export class MemoryIdempotencyStore implements IdempotencyStore {
  private readonly entries = new Map<string, Entry>();
  private writes = 0;

  constructor(private readonly now: () => number = Date.now) {}

  async claim(key: string, ttlSeconds: number): Promise<IdempotencyClaim> {
    assertTtl(ttlSeconds);
    const entry = this.live(key);
    if (entry)
      return entry.status === 'done' ? { status: 'done', result: entry.result } : { status: 'in_progress' };
    this.put(key, { status: 'in_progress', expiresAt: this.now() + ttlSeconds * 1000 });
    return { status: 'claimed' };
  }

  async complete(key: string, result: string, ttlSeconds: number): Promise<void> {
    assertTtl(ttlSeconds);
    this.put(key, { status: 'done', result, expiresAt: this.now() + ttlSeconds * 1000 });
  }

  async abandon(key: string): Promise<void> {
    // A finished key keeps its result: only a pending claim is given up.
    if (this.live(key)?.status === 'in_progress') this.entries.delete(key);
  }

  private put(key: string, entry: Entry): void {
    this.entries.set(key, entry);
    if (++this.writes % SWEEP_EVERY === 0) {
      const now = this.now();
      for (const [k, e] of this.entries) if (e.expiresAt <= now) this.entries.delete(k);
    }
  }

  private live(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }
}
