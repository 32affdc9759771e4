// Per-tenant spending limits on the language model: requests per minute and tokens per day (UTC day).
// When a limit is reached the citizen simply gets the answer Guichet gives without a model.
export interface LlmBudgetLimits {
  requestsPerMinute: number;
  tokensPerDay: number;
}

export interface LlmBudget {
  /** Counts one request for the tenant; false when this minute's requests or today's tokens are used up. */
  tryAcquire(tenantId: string, now: Date): Promise<boolean>;
  /** Adds the tokens one call used to the tenant's day. */
  record(tenantId: string, tokens: number, now: Date): Promise<void>;
}

export const minuteWindow = (now: Date): number => Math.floor(now.getTime() / 60_000);
export const dayWindow = (now: Date): string => now.toISOString().slice(0, 10);

/** Single-process budget (embedded default; with REDIS_URL the Redis budget is shared by all instances). */
export class MemoryLlmBudget implements LlmBudget {
  private readonly minutes = new Map<string, { window: number; count: number }>();
  private readonly days = new Map<string, { window: string; tokens: number }>();

  constructor(private readonly limits: LlmBudgetLimits) {}

  async tryAcquire(tenantId: string, now: Date): Promise<boolean> {
    const day = this.days.get(tenantId);
    if (day && day.window === dayWindow(now) && day.tokens >= this.limits.tokensPerDay) return false;
    const window = minuteWindow(now);
    const minute = this.minutes.get(tenantId);
    const count = minute && minute.window === window ? minute.count : 0;
    if (count >= this.limits.requestsPerMinute) return false;
    this.minutes.set(tenantId, { window, count: count + 1 });
    return true;
  }

  async record(tenantId: string, tokens: number, now: Date): Promise<void> {
    const window = dayWindow(now);
    const day = this.days.get(tenantId);
    const used = day && day.window === window ? day.tokens : 0;
    this.days.set(tenantId, { window, tokens: used + Math.max(0, tokens) });
  }
}
