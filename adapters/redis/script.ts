// A Lua script run by EVALSHA, falling back to EVAL once when the server does not know it yet
// (first use, or after a restart / SCRIPT FLUSH). Scripts are what make check-and-set atomic.
import { createHash } from 'node:crypto';
import type { RedisClient } from './client';

export class RedisScript {
  private readonly sha: string;

  constructor(private readonly lua: string) {
    this.sha = createHash('sha1').update(lua).digest('hex');
  }

  /** `onRetry` is told when the script had to be sent again (EVAL): it then ran after what was sent meanwhile. */
  async run(
    client: RedisClient,
    keys: string[],
    args: (string | number)[],
    onRetry?: () => void,
  ): Promise<unknown> {
    try {
      return await client.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      onRetry?.();
      return client.eval(this.lua, keys.length, ...keys, ...args);
    }
  }
}

/** `text` matched literally inside a SCAN / KEYS pattern. */
export const globEscape = (text: string): string => text.replace(/[*?[\]\\]/g, '\\$&');

/**
 * Deletes every key matching `pattern` (SCAN, never KEYS: the server keeps answering others meanwhile).
 * For rare operations only (erasing a contact): it walks the whole key space.
 */
export async function deleteMatching(client: RedisClient, pattern: string): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) deleted += await client.unlink(...keys);
  } while (cursor !== '0');
  return deleted;
}
