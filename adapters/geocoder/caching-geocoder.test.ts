// The address API's answers kept in memory, as the server composes them (createGeocoder, the API faked by nock
// on its real address): an address reported again, a pin placed again, costs no call; failures are asked again.
import nock from 'nock';
import { BAN_API, recordedAnswer } from '../../tests/conversations/ban-fixtures';
import { GeocoderUnavailableError } from '../../bot/ports/geocoder';
import { ApiAdresseGeocoder } from './api-adresse-geocoder';
import { CachingGeocoder } from './caching-geocoder';
import { createGeocoder } from './index';

const cached = (cacheEntries = 100) => createGeocoder({ maxPerSecond: 0, cacheEntries });

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe('the geocoder with its cache', () => {
  it('asks the API once for an address reported again, whatever its spacing and case', async () => {
    const scope = nock(BAN_API)
      .get('/search/')
      .query({ q: '8 bd du port', limit: '1', citycode: '80021' })
      .once()
      .reply(200, recordedAnswer('search-8-bd-du-port.json'));
    const { geocoder, stats } = cached();

    const first = await geocoder.geocode('8 bd du port', { citycode: '80021' });
    const again = await geocoder.geocode('  8 BD du   Port ', { citycode: '80021' });

    expect(first).toMatchObject({ label: '8 Boulevard du Port 80000 Amiens', citycode: '80021' });
    expect(again).toEqual(first);
    expect(scope.isDone()).toBe(true);
    expect(stats()).toEqual({ cached: 1, sent: 1, overBudget: 0 });
  });

  it('keeps another commune’s search apart: the filter is part of what was asked', async () => {
    const scope = nock(BAN_API)
      .get('/search/')
      .query({ q: '8 bd du port', limit: '1', citycode: '80021' })
      .reply(200, recordedAnswer('search-8-bd-du-port.json'))
      .get('/search/')
      .query({ q: '8 bd du port', limit: '1', citycode: '25971' })
      .reply(200, recordedAnswer('search-empty.json'));
    const { geocoder, stats } = cached();

    await expect(geocoder.geocode('8 bd du port', { citycode: '80021' })).resolves.not.toBeNull();
    await expect(geocoder.geocode('8 bd du port', { citycode: '25971' })).resolves.toBeNull();
    expect(scope.isDone()).toBe(true);
    expect(stats().sent).toBe(2);
  });

  it('keeps "no match" too', async () => {
    nock(BAN_API).get('/search/').query(true).once().reply(200, recordedAnswer('search-empty.json'));
    const { geocoder } = cached();

    await expect(geocoder.geocode('zzkq wxv')).resolves.toBeNull();
    await expect(geocoder.geocode('zzkq wxv')).resolves.toBeNull(); // a second call would find no interceptor
  });

  it('never keeps a failure: the next lookup asks the API again', async () => {
    nock(BAN_API)
      .get('/search/')
      .query(true)
      .reply(503, 'down')
      .get('/search/')
      .query(true)
      .reply(200, recordedAnswer('search-8-bd-du-port.json'));
    const { geocoder, stats } = cached();

    await expect(geocoder.geocode('8 bd du port')).rejects.toBeInstanceOf(GeocoderUnavailableError);
    await expect(geocoder.geocode('8 bd du port')).resolves.toMatchObject({ citycode: '80021' });
    expect(stats()).toEqual({ cached: 0, sent: 2, overBudget: 0 });
  });

  it('sends one call for lookups of the same address under way at once', async () => {
    const scope = nock(BAN_API)
      .get('/search/')
      .query(true)
      .once()
      .delay(50)
      .reply(200, recordedAnswer('search-8-bd-du-port.json'));
    const { geocoder, stats } = cached();

    const answers = await Promise.all([1, 2, 3].map(() => geocoder.geocode('8 bd du port')));

    expect(answers.map((a) => a?.citycode)).toEqual(['80021', '80021', '80021']);
    expect(scope.isDone()).toBe(true);
    expect(stats()).toEqual({ cached: 2, sent: 1, overBudget: 0 });
  });

  it('answers a pin placed again within a metre from memory, and asks for one placed further', async () => {
    const scope = nock(BAN_API)
      .get('/reverse/')
      .query({ lon: '6.051', lat: '47.1022', limit: '1' })
      .reply(200, recordedAnswer('reverse-lilas.json'))
      .get('/reverse/')
      .query({ lon: '6.0511', lat: '47.1022', limit: '1' })
      .reply(200, recordedAnswer('reverse-lilas.json'));
    const { geocoder, stats } = cached();

    await geocoder.reverse({ lat: 47.1022, lon: 6.051 });
    const near = await geocoder.reverse({ lat: 47.102200004, lon: 6.050999996 });
    await geocoder.reverse({ lat: 47.1022, lon: 6.0511 }); // ~7 m east

    expect(near).toMatchObject({ label: '12 Rue des Lilas 25971 Montcey-sur-Loue' });
    expect(scope.isDone()).toBe(true);
    expect(stats()).toEqual({ cached: 1, sent: 2, overBudget: 0 });
  });

  it('still answers lookups whose call was under way when newer lookups pushed it out of the cache', async () => {
    nock(BAN_API)
      .get('/search/')
      .query(true)
      .times(2)
      .delay(50)
      .reply(200, recordedAnswer('search-8-bd-du-port.json'));
    const small = new CachingGeocoder(new ApiAdresseGeocoder(), { maxEntries: 1 });

    const answers = await Promise.all([small.geocode('8 bd du port'), small.geocode('8 boulevard du port')]);

    expect(answers.map((a) => a?.citycode)).toEqual(['80021', '80021']);
  });

  it('gives every caller the same answer, which none can change', async () => {
    nock(BAN_API).get('/search/').query(true).once().reply(200, recordedAnswer('search-8-bd-du-port.json'));
    const { geocoder } = cached();
    const first = await geocoder.geocode('8 bd du port');

    expect(() => Object.assign(first!, { label: 'ailleurs' })).toThrow(TypeError);
    expect((await geocoder.geocode('8 bd du port'))?.label).toBe('8 Boulevard du Port 80000 Amiens');
  });

  it('asks again once an answer has expired, and forgets the least recently used past its size', async () => {
    nock(BAN_API).get('/search/').query(true).times(5).reply(200, recordedAnswer('search-empty.json'));
    const shortApi = new ApiAdresseGeocoder();
    const short = new CachingGeocoder(shortApi, { ttlMs: 20 });
    await short.geocode('rue des lilas');
    await new Promise((resolve) => setTimeout(resolve, 40));
    await short.geocode('rue des lilas');
    expect(short.answeredFromMemory()).toBe(0);
    expect(shortApi.calls()).toBe(2);

    const smallApi = new ApiAdresseGeocoder();
    const small = new CachingGeocoder(smallApi, { maxEntries: 1 });
    await small.geocode('rue des lilas');
    await small.geocode('place de la mairie');
    await small.geocode('rue des lilas');
    expect(small.answeredFromMemory()).toBe(0);
    expect(smallApi.calls()).toBe(3);
  });
});
