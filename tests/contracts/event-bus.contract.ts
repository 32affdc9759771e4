// Contract of the EventBus port, run against every implementation (memory, Redis). A fixture gives two
// buses over the same medium, standing for two instances: what one publishes, the other's subscribers get.
// "Not delivered" is checked with a barrier: a marker published after it on a watched topic arrives in order.
import type { EventBus, JsonValue } from '../../bot/ports';
import { expectGuichetError } from './helpers';

export interface EventBusFixture {
  a: EventBus;
  b: EventBus;
  dispose?: () => Promise<void>;
}

/** Collects what a subscription receives; `waitFor(n)` resolves once n payloads arrived. */
class Inbox {
  readonly received: JsonValue[] = [];
  private waiters: { n: number; resolve: () => void }[] = [];

  readonly handler = (payload: JsonValue): void => {
    this.received.push(payload);
    this.waiters = this.waiters.filter((w) => {
      if (this.received.length >= w.n) w.resolve();
      return this.received.length < w.n;
    });
  };

  waitFor(n: number): Promise<JsonValue[]> {
    if (this.received.length >= n) return Promise.resolve(this.received);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`expected ${n} payloads, got ${JSON.stringify(this.received)}`)),
        5000,
      );
      this.waiters.push({
        n,
        resolve: () => {
          clearTimeout(timer);
          resolve(this.received);
        },
      });
    });
  }
}

let topicCounter = 0;
const topicName = (): string => `webchat:t${process.pid}:c${Date.now().toString(36)}${topicCounter++}`;

export function eventBusContract(make: () => Promise<EventBusFixture>): void {
  let fx: EventBusFixture;
  beforeEach(async () => {
    fx = await make();
  });
  afterEach(async () => {
    await fx.dispose?.();
  });

  it('delivers what one instance publishes to a subscriber on another, payload intact', async () => {
    const topic = topicName();
    const inbox = new Inbox();
    await fx.a.subscribe(topic, inbox.handler);
    const payload = {
      kind: 'replies',
      replies: [{ type: 'text', text: 'Déchetterie : ouverte 9 h – 12 h <b>€</b> 🙂' }],
      n: 3,
      ok: true,
      none: null,
    };
    await fx.b.publish(topic, payload);
    expect(await inbox.waitFor(1)).toEqual([payload]);
  });

  it('delivers to every subscriber of the topic on both instances, and to no other topic', async () => {
    const topic = topicName();
    const [a1, a2, b1, other] = [new Inbox(), new Inbox(), new Inbox(), new Inbox()];
    await fx.a.subscribe(topic, a1.handler);
    await fx.a.subscribe(topic, a2.handler);
    await fx.b.subscribe(topic, b1.handler);
    await fx.a.subscribe(`${topic}:x`, other.handler); // a longer name sharing the prefix is another topic
    await fx.b.publish(topic, 'hello');
    await fx.b.publish(`${topic}:x`, 'marker');
    await Promise.all([a1.waitFor(1), a2.waitFor(1), b1.waitFor(1), other.waitFor(1)]);
    expect([a1.received, a2.received, b1.received]).toEqual([['hello'], ['hello'], ['hello']]);
    expect(other.received).toEqual(['marker']);
  });

  it('keeps the order of one publisher', async () => {
    const topic = topicName();
    const inbox = new Inbox();
    await fx.a.subscribe(topic, inbox.handler);
    for (let i = 0; i < 25; i++) await fx.b.publish(topic, i);
    expect(await inbox.waitFor(25)).toEqual(Array.from({ length: 25 }, (_, i) => i));
  });

  it('stops delivering after unsubscribe, while the other subscribers of the topic still receive', async () => {
    const topic = topicName();
    const gone = new Inbox();
    const stays = new Inbox();
    const unsubscribe = await fx.a.subscribe(topic, gone.handler);
    await fx.a.subscribe(topic, stays.handler);
    await fx.b.publish(topic, 'first');
    await Promise.all([gone.waitFor(1), stays.waitFor(1)]);
    await unsubscribe();
    await unsubscribe(); // idempotent
    await fx.b.publish(topic, 'second');
    await stays.waitFor(2);
    expect(gone.received).toEqual(['first']);
    expect(stays.received).toEqual(['first', 'second']);
  });

  it('unsubscribing the last handler of an instance ends delivery there, the other instance keeps it', async () => {
    const topic = topicName();
    const onA = new Inbox();
    const onB = new Inbox();
    const unsubscribe = await fx.a.subscribe(topic, onA.handler);
    await fx.b.subscribe(topic, onB.handler);
    await unsubscribe();
    await fx.a.publish(topic, 'after');
    await onB.waitFor(1);
    const marker = new Inbox();
    const markerTopic = topicName();
    await fx.a.subscribe(markerTopic, marker.handler);
    await fx.b.publish(topic, 'late');
    await fx.b.publish(markerTopic, 'barrier');
    await marker.waitFor(1);
    expect(onA.received).toEqual([]);
    expect(onB.received.length).toBeGreaterThanOrEqual(1);
  });

  it('survives subscribe/unsubscribe churn on one topic: the final subscriber receives', async () => {
    const topic = topicName();
    const ops: Promise<unknown>[] = [];
    for (let i = 0; i < 5; i++) ops.push(fx.a.subscribe(topic, () => undefined).then((u) => u()));
    const final = new Inbox();
    ops.push(fx.a.subscribe(topic, final.handler));
    await Promise.all(ops);
    await fx.b.publish(topic, 'still here');
    expect(await final.waitFor(1)).toEqual(['still here']);
  });

  it('a handler that throws does not stop the other handlers nor later messages', async () => {
    const topic = topicName();
    const inbox = new Inbox();
    await fx.a.subscribe(topic, () => {
      throw new Error('boom');
    });
    await fx.a.subscribe(topic, async () => Promise.reject(new Error('async boom')));
    await fx.a.subscribe(topic, inbox.handler);
    await fx.b.publish(topic, 1);
    await fx.b.publish(topic, 2);
    expect(await inbox.waitFor(2)).toEqual([1, 2]);
  });

  it('gives each handler its own copy of the payload', async () => {
    const topic = topicName();
    const second = new Inbox();
    await fx.a.subscribe(topic, (payload) => {
      (payload as { text: string }).text = 'changed';
    });
    await fx.a.subscribe(topic, second.handler);
    await fx.b.publish(topic, { text: 'original' });
    expect(await second.waitFor(1)).toEqual([{ text: 'original' }]);
  });

  it('accepts a publish nobody listens to', async () => {
    await expect(fx.b.publish(topicName(), { nobody: true })).resolves.toBeUndefined();
  });

  it('by prefix: receives every topic that starts with it, with its topic, and nothing else', async () => {
    const base = topicName();
    const got: [JsonValue, string][] = [];
    const inbox = new Inbox();
    await fx.a.subscribePrefix(`${base}:`, (payload, topic) => {
      got.push([payload, topic]);
      inbox.handler(payload);
    });
    const exact = new Inbox();
    await fx.a.subscribe(`${base}-marker`, exact.handler);
    await fx.b.publish(`${base}:conv-1`, 'one');
    await fx.b.publish(`${base}x:conv-2`, 'not mine');
    await fx.b.publish(`${base}:a:b:c`, 'two');
    await fx.b.publish(`${base}-marker`, 'barrier');
    await Promise.all([inbox.waitFor(2), exact.waitFor(1)]);
    expect(got).toEqual([
      ['one', `${base}:conv-1`],
      ['two', `${base}:a:b:c`],
    ]);
  });

  it('by prefix: glob characters in the prefix match literally, and unsubscribe ends delivery', async () => {
    const base = topicName();
    const literal = new Inbox();
    const unsubscribe = await fx.a.subscribePrefix(`${base}:[a]*?`, literal.handler);
    const marker = new Inbox();
    await fx.a.subscribe(`${base}:marker`, marker.handler);
    await fx.b.publish(`${base}:a-x`, 'glob would match');
    await fx.b.publish(`${base}:[a]*?-x`, 'literal');
    await fx.b.publish(`${base}:marker`, 1);
    await Promise.all([literal.waitFor(1), marker.waitFor(1)]);
    await unsubscribe();
    await fx.b.publish(`${base}:[a]*?-y`, 'after');
    await fx.b.publish(`${base}:marker`, 2);
    await marker.waitFor(2);
    expect(literal.received).toEqual(['literal']);
  });

  it('once closed, refuses to publish or subscribe; the other instance is unaffected', async () => {
    const topic = topicName();
    const inbox = new Inbox();
    await fx.b.subscribe(topic, inbox.handler);
    await fx.a.close();
    await expectGuichetError(fx.a.publish(topic, 'x'), 'DEPENDENCY_UNAVAILABLE');
    await expectGuichetError(
      fx.a.subscribe(topic, () => undefined),
      'DEPENDENCY_UNAVAILABLE',
    );
    await fx.b.publish(topic, 'still works');
    expect(await inbox.waitFor(1)).toEqual(['still works']);
  });
}
