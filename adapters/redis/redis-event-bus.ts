// EventBus over Redis pub/sub. Publishing uses the shared fail-fast client; subscribing needs a connection
// of its own (a subscribed connection can run nothing else), duplicated from it. One SUBSCRIBE per topic
// and instance however many local handlers listen; ioredis re-subscribes by itself after a reconnect.
import { GuichetError } from '../../bot/errors';
import type { EventBus, EventHandler, JsonValue, Unsubscribe } from '../../bot/ports';
import { redisCall, type RedisClient } from './client';
import { closeClient, DEFAULT_KEY_PREFIX } from './redis-state-store';

export interface RedisEventBusOptions {
  /** The shared client, used to publish; the subscriber connection is duplicated from it. */
  client: RedisClient;
  /** Channel names are `{keyPrefix}bus:{topic}` (instances of one deployment share the prefix). */
  keyPrefix?: string;
  /** A handler threw or a payload was not JSON: reported here, other handlers still run. */
  onError?: (error: unknown, topic: string) => void;
}

export class RedisEventBus implements EventBus {
  private readonly publisher: RedisClient;
  private readonly subscriber: RedisClient;
  private readonly prefix: string;
  /** Local handlers per Redis channel ('c:…') or pattern ('p:…'). */
  private readonly handlers = new Map<string, Set<EventHandler>>();
  /** Channels and patterns this connection is subscribed to (same keys). */
  private readonly subscribed = new Set<string>();
  /** SUBSCRIBE/UNSUBSCRIBE of one channel run one after the other (each reconciles with `handlers`). */
  private readonly chains = new Map<string, Promise<void>>();
  private closed = false;

  constructor(private readonly options: RedisEventBusOptions) {
    this.publisher = options.client;
    this.prefix = `${options.keyPrefix ?? DEFAULT_KEY_PREFIX}bus:`;
    this.subscriber = options.client.duplicate();
    this.subscriber.on('error', () => undefined); // outages show in readiness; ioredis keeps reconnecting
    this.subscriber.on('message', (channel: string, message: string) =>
      this.dispatch(`c:${channel}`, channel, message),
    );
    this.subscriber.on('pmessage', (pattern: string, channel: string, message: string) =>
      this.dispatch(`p:${pattern}`, channel, message),
    );
  }

  async publish(topic: string, payload: JsonValue): Promise<void> {
    this.assertOpen();
    const message = JSON.stringify(payload);
    await redisCall(this.publisher, () => this.publisher.publish(this.prefix + topic, message));
  }

  subscribe(topic: string, handler: EventHandler): Promise<Unsubscribe> {
    return this.add(`c:${this.prefix}${topic}`, handler);
  }

  subscribePrefix(prefix: string, handler: EventHandler): Promise<Unsubscribe> {
    return this.add(`p:${escapeGlob(this.prefix + prefix)}*`, handler);
  }

  private async add(channel: string, handler: EventHandler): Promise<Unsubscribe> {
    this.assertOpen();
    const wrapped: EventHandler = (payload, topic) => handler(payload, topic);
    let set = this.handlers.get(channel);
    if (!set) this.handlers.set(channel, (set = new Set()));
    set.add(wrapped);
    try {
      await this.reconcile(channel);
    } catch (error) {
      this.removeHandler(channel, wrapped);
      throw error;
    }
    let active = true;
    return async () => {
      if (!active) return;
      active = false;
      this.removeHandler(channel, wrapped);
      if (!this.closed) await this.reconcile(channel).catch(() => undefined); // a reconnect re-subscribes only what is wanted
    };
  }

  async ping(): Promise<void> {
    await redisCall(this.publisher, () => this.publisher.ping());
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.handlers.clear();
    await Promise.allSettled([...this.chains.values()]);
    await closeClient(this.subscriber);
  }

  private removeHandler(channel: string, handler: EventHandler): void {
    const set = this.handlers.get(channel);
    set?.delete(handler);
    if (set?.size === 0) this.handlers.delete(channel);
  }

  /** Brings the Redis subscription of `channel` ('c:…' or 'p:…') in line with whether a local handler wants it. */
  private reconcile(channel: string): Promise<void> {
    const previous = this.chains.get(channel) ?? Promise.resolve();
    const next = previous
      .catch(() => undefined)
      .then(async () => {
        const wanted = (this.handlers.get(channel)?.size ?? 0) > 0;
        const name = channel.slice(2);
        const byPattern = channel.startsWith('p:');
        if (wanted && !this.subscribed.has(channel)) {
          await redisCall(this.subscriber, () =>
            byPattern ? this.subscriber.psubscribe(name) : this.subscriber.subscribe(name),
          );
          this.subscribed.add(channel);
        } else if (!wanted && this.subscribed.has(channel)) {
          this.subscribed.delete(channel);
          await redisCall(this.subscriber, () =>
            byPattern ? this.subscriber.punsubscribe(name) : this.subscriber.unsubscribe(name),
          );
        }
      });
    this.chains.set(channel, next);
    const cleanup = (): void => {
      if (this.chains.get(channel) === next) this.chains.delete(channel);
    };
    next.then(cleanup, cleanup);
    return next;
  }

  private dispatch(key: string, channel: string, message: string): void {
    const handlers = this.handlers.get(key);
    if (!handlers || handlers.size === 0) return;
    const topic = channel.slice(this.prefix.length);
    let payload: JsonValue;
    try {
      payload = JSON.parse(message) as JsonValue;
    } catch (error) {
      this.options.onError?.(error, topic);
      return;
    }
    for (const handler of [...handlers]) {
      // Each handler gets its own copy, as with the memory bus.
      const own = handlers.size > 1 ? (JSON.parse(message) as JsonValue) : payload;
      Promise.resolve()
        .then(() => handler(own, topic))
        .catch((error: unknown) => this.options.onError?.(error, topic));
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new GuichetError('DEPENDENCY_UNAVAILABLE', 'The event bus is closed');
  }
}

/** Redis glob patterns treat * ? [ ] \ specially: a prefix must match literally. */
const escapeGlob = (text: string): string => text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
