// The platform's calls to the address API kept under a budget per second: in one instance, across instances
// sharing a Redis, per instance while Redis is down or stalled; past it a call waits for a later second or is
// refused as the API being down (the report is then located later), never sent.
import net from 'node:net';
import nock from 'nock';
import { BAN_API, recordedAnswer } from '../../tests/conversations/ban-fixtures';
import { GeocoderUnavailableError } from '../../bot/ports/geocoder';
import { describeWith, redisUrl, uniqueSuffix } from '../../tests/support/services';
import { freePort } from '../../tests/support/servers';
import { closeClient, createRedisClient, redisCall, type RedisClient } from '../redis';
import { ApiAdresseGeocoder } from './api-adresse-geocoder';
import { createCallBudget, type CallBudget } from './call-budget';
import { createGeocoder } from './index';

/** Each admit's outcome: 'go' or 'refused'. */
const admits = (budget: CallBudget, n: number) =>
  Promise.all(
    Array.from({ length: n }, () =>
      budget.admit().then(
        () => 'go',
        (e: unknown) => (e instanceof GeocoderUnavailableError ? 'refused' : String(e)),
      ),
    ),
  );

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe('the address API under a budget of calls per second', () => {
  it('sends the calls the second allows and refuses the next as the API being down, without sending it', async () => {
    const scope = nock(BAN_API)
      .get('/search/')
      .query(true)
      .times(2)
      .reply(200, recordedAnswer('search-empty.json'));
    const budget = createCallBudget({ perSecond: 2, maxWaitMs: 0 });
    const api = new ApiAdresseGeocoder({ budget });

    const outcomes = await Promise.allSettled(['rue a', 'rue b', 'rue c'].map((q) => api.geocode(q)));

    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'rejected']);
    expect((outcomes[2] as PromiseRejectedResult).reason).toBeInstanceOf(GeocoderUnavailableError);
    expect(scope.isDone()).toBe(true);
    expect(api.calls()).toBe(2);
    expect(budget.refused()).toBe(1);
  });

  it('spends nothing on a query too short to send', async () => {
    nock(BAN_API).get('/search/').query(true).once().reply(200, recordedAnswer('search-empty.json'));
    const api = new ApiAdresseGeocoder({ budget: createCallBudget({ perSecond: 1, maxWaitMs: 0 }) });

    await expect(api.geocode('12')).resolves.toBeNull();
    await expect(api.geocode('rue des lilas')).resolves.toBeNull();
  });

  it('lets a call wait for the next second when it comes soon enough', async () => {
    nock(BAN_API).get('/reverse/').query(true).times(2).reply(200, recordedAnswer('reverse-lilas.json'));
    const budget = createCallBudget({ perSecond: 1 });
    const api = new ApiAdresseGeocoder({ budget });

    const answers = await Promise.all([
      api.reverse({ lat: 47.1022, lon: 6.051 }),
      api.reverse({ lat: 47.1, lon: 6.05 }),
    ]);

    expect(answers.map((a) => a?.citycode)).toEqual(['25971', '25971']);
    expect(budget.refused()).toBe(0);
  });

  it('spends nothing on an answer the cache kept (the cache is in front of the API)', async () => {
    nock(BAN_API).get('/search/').query(true).once().reply(200, recordedAnswer('search-empty.json'));
    const { geocoder, stats } = createGeocoder({ maxPerSecond: 1, cacheEntries: 10 });

    for (let i = 0; i < 3; i++) await expect(geocoder.geocode('rue des lilas')).resolves.toBeNull();

    expect(stats()).toEqual({ cached: 2, sent: 1, overBudget: 0 });
  });
});

describe('the budget while Redis is down', () => {
  let client: RedisClient;
  beforeAll(async () => {
    client = createRedisClient(`redis://127.0.0.1:${await freePort()}`); // nothing listens there
  });
  afterAll(() => closeClient(client));

  it('still counts, per instance', async () => {
    const budget = createCallBudget({
      perSecond: 2,
      redis: client,
      keyPrefix: `down:${uniqueSuffix()}:`,
      maxWaitMs: 0,
    });
    expect(await admits(budget, 3)).toEqual(['go', 'go', 'refused']);
  });
});

describeWith('redis', 'the budget shared over Redis', () => {
  let client: RedisClient;
  beforeAll(async () => {
    client = createRedisClient(redisUrl());
    // Until the first connection is up the budget counts per instance (its insurance): wait for it.
    await redisCall(client, () => client.ping());
  });
  afterAll(() => closeClient(client));

  it('is one budget for every instance of the platform', async () => {
    const keyPrefix = `test:${uniqueSuffix()}:`;
    const instances = [1, 2, 3].map(() =>
      createCallBudget({ perSecond: 4, redis: client, keyPrefix, maxWaitMs: 0 }),
    );

    const outcomes = (await Promise.all(instances.map((budget) => admits(budget, 2)))).flat();

    expect(outcomes.filter((o) => o === 'go')).toHaveLength(4);
    expect(outcomes.filter((o) => o === 'refused')).toHaveLength(2);
  });

  it('lets the call that waited go in the next second, not wake up in the one it waited out', async () => {
    // Ten platforms at once, one call a second each, two calls each: every second call waits, then goes. (Woken
    // when Redis said the window ends, a call found the old window about half the time and used to be refused.)
    const budgets = Array.from({ length: 10 }, () =>
      createCallBudget({ perSecond: 1, redis: client, keyPrefix: `test:${uniqueSuffix()}:` }),
    );

    const outcomes = (await Promise.all(budgets.map((budget) => admits(budget, 2)))).flat();

    expect(outcomes).toEqual(Array.from({ length: 20 }, () => 'go'));
  });
});

describeWith('redis', 'the budget when Redis stops answering', () => {
  // A connection to the real Redis through a relay that can stop passing bytes: a Redis connected but silent.
  let frozen = false;
  let relay: net.Server;
  let client: RedisClient;
  beforeAll(async () => {
    const target = new URL(redisUrl());
    relay = net.createServer((socket) => {
      const upstream = net.connect(Number(target.port || 6379), target.hostname);
      socket.on('data', (d) => void (frozen || upstream.write(d)));
      upstream.on('data', (d) => void (frozen || socket.write(d)));
      socket.on('close', () => upstream.destroy());
      upstream.on('close', () => socket.destroy());
      socket.on('error', () => undefined);
      upstream.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
    client = createRedisClient(`redis://127.0.0.1:${(relay.address() as net.AddressInfo).port}`);
    await redisCall(client, () => client.ping());
  });
  afterAll(async () => {
    frozen = false;
    await closeClient(client);
    await new Promise((resolve) => relay.close(resolve));
  });

  it('counts per instance instead of holding every call for the client’s command timeout', async () => {
    const budget = createCallBudget({
      perSecond: 2,
      redis: client,
      keyPrefix: `test:${uniqueSuffix()}:`,
      maxWaitMs: 0,
    });
    frozen = true;
    const started = Date.now();
    expect(await admits(budget, 3)).toEqual(['go', 'go', 'refused']);
    // The client's own command timeout is 2 s: the budget gave up on Redis long before.
    expect(Date.now() - started).toBeLessThan(1500);
  });
});
