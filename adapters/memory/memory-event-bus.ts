// Embedded EventBus: one process. Delivery is asynchronous (never inside publish's call stack) and the
// payload is copied through JSON, so code behaves as it will over Redis. Several buses may share one hub
// to stand for several instances in tests.
import { GuichetError } from '../../bot/errors';
import type { EventBus, EventHandler, JsonValue, Unsubscribe } from '../../bot/ports';

export class MemoryEventHub {
  private readonly topics = new Map<string, Set<EventHandler>>();
  private readonly prefixes = new Map<string, Set<EventHandler>>();

  add(topic: string, handler: EventHandler, byPrefix = false): void {
    const map = byPrefix ? this.prefixes : this.topics;
    let handlers = map.get(topic);
    if (!handlers) map.set(topic, (handlers = new Set()));
    handlers.add(handler);
  }

  remove(topic: string, handler: EventHandler, byPrefix = false): void {
    const map = byPrefix ? this.prefixes : this.topics;
    const handlers = map.get(topic);
    handlers?.delete(handler);
    if (handlers?.size === 0) map.delete(topic);
  }

  /** Handlers of `topic` (exact or by prefix) at the time of the publish. */
  handlers(topic: string): EventHandler[] {
    const matching = [...(this.topics.get(topic) ?? [])];
    for (const [prefix, handlers] of this.prefixes) if (topic.startsWith(prefix)) matching.push(...handlers);
    return matching;
  }
}

export interface MemoryEventBusOptions {
  hub?: MemoryEventHub;
  /** A handler threw: reported here, other handlers still run. */
  onError?: (error: unknown, topic: string) => void;
}

export class MemoryEventBus implements EventBus {
  private readonly hub: MemoryEventHub;
  private readonly mine = new Set<{ topic: string; handler: EventHandler; byPrefix: boolean }>();
  private closed = false;

  constructor(private readonly options: MemoryEventBusOptions = {}) {
    this.hub = options.hub ?? new MemoryEventHub();
  }

  async publish(topic: string, payload: JsonValue): Promise<void> {
    this.assertOpen();
    const copy = JSON.stringify(payload);
    const handlers = this.hub.handlers(topic);
    if (handlers.length === 0) return;
    setImmediate(() => {
      for (const handler of handlers) {
        // Each handler gets its own copy: one cannot change what another sees.
        Promise.resolve()
          .then(() => handler(JSON.parse(copy) as JsonValue, topic))
          .catch((error: unknown) => this.options.onError?.(error, topic));
      }
    });
  }

  subscribe(topic: string, handler: EventHandler): Promise<Unsubscribe> {
    return this.add(topic, handler, false);
  }

  subscribePrefix(prefix: string, handler: EventHandler): Promise<Unsubscribe> {
    return this.add(prefix, handler, true);
  }

  private async add(topic: string, handler: EventHandler, byPrefix: boolean): Promise<Unsubscribe> {
    this.assertOpen();
    // A distinct wrapper per subscription: the same function subscribed twice is two subscriptions.
    const wrapped: EventHandler = (payload, t) => handler(payload, t);
    const entry = { topic, handler: wrapped, byPrefix };
    this.hub.add(topic, wrapped, byPrefix);
    this.mine.add(entry);
    return async () => {
      if (!this.mine.delete(entry)) return;
      this.hub.remove(topic, wrapped, byPrefix);
    };
  }

  async ping(): Promise<void> {
    this.assertOpen();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const { topic, handler, byPrefix } of this.mine) this.hub.remove(topic, handler, byPrefix);
    this.mine.clear();
  }

  private assertOpen(): void {
    if (this.closed) throw new GuichetError('DEPENDENCY_UNAVAILABLE', 'The event bus is closed');
  }
}
