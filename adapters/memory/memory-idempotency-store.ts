// Embedded IdempotencyStore: claims on provider message ids in one process. JavaScript runs one
// claim at a time, so check-and-set on the Map is atomic here.
import type { CompleteOptions, IdempotencyClaim, IdempotencyStore } from '../../bot/ports';
import { assertTtl } from './memory-state-store';

type Entry =
  | { status: 'in_progress'; expiresAt: number }
  | { status: 'done'; result: string; resultExpiresAt: number; residue: string; expiresAt: number };

const SWEEP_EVERY = 1000;

export class MemoryIdempotencyStore implements IdempotencyStore {
  private readonly entries = new Map<string, Entry>();
  private writes = 0;

  constructor(private readonly now: () => number = Date.now) {}

  async claim(key: string, ttlSeconds: number): Promise<IdempotencyClaim> {
    assertTtl(ttlSeconds);
    const entry = this.live(key);
    if (entry?.status === 'in_progress') return { status: 'in_progress' };
    if (entry) {
      const kept = entry.resultExpiresAt > this.now();
      return { status: 'done', result: kept ? entry.result : entry.residue };
    }
    this.put(key, { status: 'in_progress', expiresAt: this.now() + ttlSeconds * 1000 });
    return { status: 'claimed' };
  }

  async renew(key: string, ttlSeconds: number): Promise<boolean> {
    assertTtl(ttlSeconds);
    const entry = this.live(key);
    if (entry?.status !== 'in_progress') return false;
    entry.expiresAt = this.now() + ttlSeconds * 1000;
    return true;
  }

  async complete(
    key: string,
    result: string,
    ttlSeconds: number,
    options: CompleteOptions = {},
  ): Promise<void> {
    assertTtl(ttlSeconds);
    const resultTtl = Math.min(options.resultTtlSeconds ?? ttlSeconds, ttlSeconds);
    assertTtl(resultTtl);
    const now = this.now();
    this.put(key, {
      status: 'done',
      result,
      resultExpiresAt: now + resultTtl * 1000,
      residue: options.residue ?? '',
      expiresAt: now + ttlSeconds * 1000,
    });
  }

  async eraseScope(scope: string): Promise<void> {
    for (const key of [...this.entries.keys()]) if (key.startsWith(`${scope}:`)) this.entries.delete(key);
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
