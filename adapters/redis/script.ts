// A Lua script run by EVALSHA, falling back to EVAL once when the server does not know it yet
// (first use, or after a restart / SCRIPT FLUSH). Scripts are what make check-and-set atomic.
import { createHash } from 'node:crypto';
import type { RedisClient } from './client';

export class RedisScript {
  private readonly sha: string;

  constructor(private readonly lua: string) {
    this.sha = createHash('sha1').update(lua).digest('hex');
  }

  async run(client: RedisClient, keys: string[], args: (string | number)[]): Promise<unknown> {
    try {
      return await client.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return client.eval(this.lua, keys.length, ...keys, ...args);
    }
  }
}
