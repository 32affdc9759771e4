// The per-tenant LLM budget shared by every instance through Redis (REDIS_URL): one counter per tenant
// and minute for requests, one per tenant and UTC day for tokens, both expiring by themselves.
import { dayWindow, minuteWindow, type LlmBudget, type LlmBudgetLimits } from '../../bot/llm/budget';
import { DEFAULT_KEY_PREFIX, redisCall, type RedisClient } from '../redis';

export interface RedisLlmBudgetOptions extends LlmBudgetLimits {
  client: RedisClient;
  keyPrefix?: string;
}

const MINUTE_TTL_S = 120;
const DAY_TTL_S = 2 * 24 * 3600;

export class RedisLlmBudget implements LlmBudget {
  private readonly client: RedisClient;
  private readonly prefix: string;

  constructor(private readonly options: RedisLlmBudgetOptions) {
    this.client = options.client;
    this.prefix = `${options.keyPrefix ?? DEFAULT_KEY_PREFIX}llm:`;
  }

  private minuteKey(tenantId: string, now: Date): string {
    return `${this.prefix}rpm:${tenantId}:${minuteWindow(now)}`;
  }

  private dayKey(tenantId: string, now: Date): string {
    return `${this.prefix}tpd:${tenantId}:${dayWindow(now)}`;
  }

  async tryAcquire(tenantId: string, now: Date): Promise<boolean> {
    const tokens = Number(
      (await redisCall(this.client, () => this.client.get(this.dayKey(tenantId, now)))) ?? 0,
    );
    if (tokens >= this.options.tokensPerDay) return false;
    const key = this.minuteKey(tenantId, now);
    const [[, count]] = (await redisCall(this.client, () =>
      this.client.multi().incr(key).expire(key, MINUTE_TTL_S).exec(),
    )) as [[Error | null, number], [Error | null, number]];
    return count <= this.options.requestsPerMinute;
  }

  async record(tenantId: string, tokens: number, now: Date): Promise<void> {
    if (tokens <= 0) return;
    const key = this.dayKey(tenantId, now);
    await redisCall(this.client, () =>
      this.client.multi().incrby(key, Math.ceil(tokens)).expire(key, DAY_TTL_S).exec(),
    );
  }
}
