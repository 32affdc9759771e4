// The platform's calls to the address API kept under a budget per second: in one instance, across instances
// sharing a Redis, and per instance while Redis is down; past it a lookup waits for the next second or is
// refused as the API being down (the report is then located later), never sent.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import nock from 'nock';
import { GeocoderUnavailableError } from '../../bot/ports/geocoder';
import { describeWith, redisUrl, uniqueSuffix } from '../../tests/support/services';
import { freePort } from '../../tests/support/servers';
import { closeClient, createRedisClient, redisCall, type RedisClient } from '../redis';
import { ApiAdresseGeocoder } from './api-adresse-geocoder';
import { BudgetedGeocoder, createCallBudget, type CallBudget } from './budgeted-geocoder';
import { createGeocoder } from './index';

const API = 'https://api-adresse.data.gouv.fr';
const fixture = (name: string): string => readFileSync(path.join(__dirname, 'fixtures', name), 'utf8');
const takes = (budget: CallBudget, n: number) => Promise.all(Array.from({ length: n }, () => budget.take()));

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe('the geocoder under a budget of calls per second', () => {
  it('sends the calls the second allows and refuses the next as the API being down, without sending it', async () => {
    const scope = nock(API).get('/search/').query(true).times(2).reply(200, fixture('search-empty.json'));
    const api = new ApiAdresseGeocoder();
    const geocoder = new BudgetedGeocoder(api, createCallBudget({ perSecond: 2 }), { maxWaitMs: 0 });

    const outcomes = await Promise.allSettled(['rue a', 'rue b', 'rue c'].map((q) => geocoder.geocode(q)));

    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'rejected']);
    expect((outcomes[2] as PromiseRejectedResult).reason).toBeInstanceOf(GeocoderUnavailableError);
    expect(scope.isDone()).toBe(true);
    expect(api.calls()).toBe(2);
    expect(geocoder.overBudget()).toBe(1);
  });

  it('lets a lookup wait for the next second when it comes soon enough', async () => {
    nock(API).get('/reverse/').query(true).times(2).reply(200, fixture('reverse-lilas.json'));
    const geocoder = new BudgetedGeocoder(new ApiAdresseGeocoder(), createCallBudget({ perSecond: 1 }));

    const answers = await Promise.all([
      geocoder.reverse({ lat: 47.1022, lon: 6.051 }),
      geocoder.reverse({ lat: 47.1, lon: 6.05 }),
    ]);

    expect(answers.map((a) => a?.citycode)).toEqual(['25971', '25971']);
    expect(geocoder.overBudget()).toBe(0);
  });

  it('spends nothing on an answer the cache kept (the cache is in front of the budget)', async () => {
    nock(API).get('/search/').query(true).once().reply(200, fixture('search-empty.json'));
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

  it('still counts, per instance, and answers at once', async () => {
    const budget = createCallBudget({ perSecond: 2, redis: client, keyPrefix: `down:${uniqueSuffix()}:` });
    const waits = await takes(budget, 3);
    expect(waits.filter((ms) => ms === 0)).toHaveLength(2);
    expect(waits[2]).toBeGreaterThan(0);
    expect(waits[2]).toBeLessThanOrEqual(1000);
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
    const instances = [1, 2, 3].map(() => createCallBudget({ perSecond: 4, redis: client, keyPrefix }));

    const waits = (await Promise.all(instances.map((budget) => takes(budget, 2)))).flat();

    expect(waits.filter((ms) => ms === 0)).toHaveLength(4);
    expect(waits.filter((ms) => ms > 0)).toHaveLength(2);
  });
});
