// The national address API client against recorded answers (nock): a match, no match, a slow API,
// a 5xx and a refused query; the reverse lookup of a shared position. No real network.
import nock from 'nock';
import { BAN_API, recordedAnswer } from '../../tests/conversations/ban-fixtures';
import { GeocoderUnavailableError } from '../../bot/ports/geocoder';
import { ApiAdresseGeocoder } from './api-adresse-geocoder';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe('ApiAdresseGeocoder', () => {
  it('returns the best match with coordinates in lat/lon order and the INSEE code', async () => {
    const scope = nock(BAN_API)
      .get('/search/')
      .query({ q: '8 bd du port', limit: '1', citycode: '80021' })
      .reply(200, recordedAnswer('search-8-bd-du-port.json'), {
        'content-type': 'application/json; charset=utf-8',
      });

    const result = await new ApiAdresseGeocoder().geocode('  8 bd du   port ', { citycode: '80021' });

    expect(result).toEqual({
      lat: 49.897443,
      lon: 2.290084,
      label: '8 Boulevard du Port 80000 Amiens',
      citycode: '80021',
      postcode: '80000',
      score: 0.49387606060606057,
    });
    expect(scope.isDone()).toBe(true);
  });

  it('sends the postcode filter when that is what is known', async () => {
    const scope = nock(BAN_API)
      .get('/search/')
      .query({ q: '8 bd du port', limit: '1', postcode: '80000' })
      .reply(200, recordedAnswer('search-8-bd-du-port.json'));

    await expect(
      new ApiAdresseGeocoder().geocode('8 bd du port', { postcode: '80000' }),
    ).resolves.toMatchObject({ citycode: '80021' });
    expect(scope.isDone()).toBe(true);
  });

  it('returns null when the API finds nothing', async () => {
    nock(BAN_API)
      .get('/search/')
      .query({ q: 'zzkq wxv', limit: '1' })
      .reply(200, recordedAnswer('search-empty.json'));

    await expect(new ApiAdresseGeocoder().geocode('zzkq wxv')).resolves.toBeNull();
  });

  it('returns null for a query the API refuses (400), without calling it for a too short one', async () => {
    nock(BAN_API)
      .get('/search/')
      .query({ q: '!!!', limit: '1' })
      .reply(400, recordedAnswer('search-400-short-query.json'));
    const geocoder = new ApiAdresseGeocoder();

    await expect(geocoder.geocode('!!!')).resolves.toBeNull();
    await expect(geocoder.geocode('12')).resolves.toBeNull(); // no interceptor: a call would fail
  });

  it('gives up on a slow API with GeocoderUnavailableError', async () => {
    nock(BAN_API)
      .get('/search/')
      .query(true)
      .delay(1000)
      .reply(200, recordedAnswer('search-8-bd-du-port.json'));

    await expect(new ApiAdresseGeocoder({ timeoutMs: 50 }).geocode('8 bd du port')).rejects.toBeInstanceOf(
      GeocoderUnavailableError,
    );
  });

  it('reports a 5xx as unavailable, not as "no match"', async () => {
    nock(BAN_API)
      .get('/search/')
      .query(true)
      .reply(503, recordedAnswer('search-503.html'), { 'content-type': 'text/html' });

    const error = await new ApiAdresseGeocoder().geocode('8 bd du port').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GeocoderUnavailableError);
    expect((error as GeocoderUnavailableError).code).toBe('DEPENDENCY_UNAVAILABLE');
  });

  it('reports an unreachable API and a malformed document as unavailable', async () => {
    nock(BAN_API)
      .get('/search/')
      .query(true)
      .replyWithError({ code: 'ECONNRESET', message: 'socket hang up' });
    nock(BAN_API)
      .get('/search/')
      .query(true)
      .reply(200, { type: 'FeatureCollection', features: [{ type: 'Feature' }] });
    const geocoder = new ApiAdresseGeocoder();

    await expect(geocoder.geocode('8 bd du port')).rejects.toBeInstanceOf(GeocoderUnavailableError);
    await expect(geocoder.geocode('8 bd du port')).rejects.toBeInstanceOf(GeocoderUnavailableError);
  });

  it('uses a configured base URL (a self-hosted addok)', async () => {
    const scope = nock('http://addok.internal:7878')
      .get('/search/')
      .query(true)
      .reply(200, recordedAnswer('search-empty.json'));

    await expect(
      new ApiAdresseGeocoder({ baseUrl: 'http://addok.internal:7878/' }).geocode('8 bd du port'),
    ).resolves.toBeNull();
    expect(scope.isDone()).toBe(true);
  });

  describe('reverse', () => {
    it('names the address nearest to a position (GeoJSON order: lon first in the query)', async () => {
      const scope = nock(BAN_API)
        .get('/reverse/')
        .query({ lon: '6.051', lat: '47.1022', limit: '1' })
        .reply(200, recordedAnswer('reverse-lilas.json'));

      await expect(new ApiAdresseGeocoder().reverse({ lat: 47.1022, lon: 6.051 })).resolves.toMatchObject({
        label: '12 Rue des Lilas 25971 Montcey-sur-Loue',
        citycode: '25971',
        lat: 47.10215,
        lon: 6.05102,
      });
      expect(scope.isDone()).toBe(true);
    });

    it('returns null in the middle of nowhere, and is unavailable when slow or down', async () => {
      nock(BAN_API).get('/reverse/').query(true).reply(200, recordedAnswer('search-empty.json'));
      nock(BAN_API).get('/reverse/').query(true).delay(1000).reply(200, recordedAnswer('reverse-lilas.json'));
      nock(BAN_API).get('/reverse/').query(true).reply(502, 'Bad gateway');
      // The answer that comes is given the default time (a busy machine took over 50 ms for a prompt one); only
      // the slow one meets the short timeout, a delay far beyond it.
      await expect(new ApiAdresseGeocoder().reverse({ lat: 45, lon: 3 })).resolves.toBeNull();
      const impatient = new ApiAdresseGeocoder({ timeoutMs: 50 });
      await expect(impatient.reverse({ lat: 45, lon: 3 })).rejects.toBeInstanceOf(GeocoderUnavailableError);
      await expect(impatient.reverse({ lat: 45, lon: 3 })).rejects.toBeInstanceOf(GeocoderUnavailableError);
    });
  });
});
