import { ConfigError, loadConfig, publicUrlOf } from './config';

describe('configuration', () => {
  it('starts on embedded defaults with an empty environment', () => {
    const config = loadConfig({});
    expect(config.PORT).toBe(3000);
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.REDIS_URL).toBeUndefined();
    expect(config.TERRITORY_DIR).toBe('knowledge/territories');
    expect(publicUrlOf(config)).toBe('http://localhost:3000');
  });

  it('names the variable when a value is bad', () => {
    expect(() => loadConfig({ PORT: 'abc' })).toThrow(/PORT/);
    expect(() => loadConfig({ REDIS_URL: 'http://x' })).toThrow(/REDIS_URL: must be a redis:\/\//);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL/);
    expect(() => loadConfig({ PUBLIC_URL: 'not a url' })).toThrow(/PUBLIC_URL/);
    expect(() => loadConfig({ DATABASE_CONNECT_TIMEOUT_MS: '10' })).toThrow(/DATABASE_CONNECT_TIMEOUT_MS/);
    expect(() => loadConfig({ OPEN_DATA_REFRESH_AT: '3h30' })).toThrow(
      /OPEN_DATA_REFRESH_AT: must be a time of day/,
    );
    expect(() => loadConfig({ OPEN_DATA_REFRESH_TIME_ZONE: 'Europe/Lutece' })).toThrow(
      /OPEN_DATA_REFRESH_TIME_ZONE: must be an IANA time zone/,
    );
    expect(loadConfig({ OPEN_DATA_REFRESH_AT: '03:30' }).OPEN_DATA_REFRESH_TIME_ZONE).toBe('Europe/Paris');
  });

  it('serves metrics only when METRICS_BIND gives an address, IPv4, IPv6 or a name', () => {
    expect(loadConfig({}).METRICS_BIND).toBeUndefined();
    expect(loadConfig({ METRICS_BIND: '127.0.0.1:9464' }).METRICS_BIND).toEqual({
      host: '127.0.0.1',
      port: 9464,
    });
    expect(loadConfig({ METRICS_BIND: '[::1]:9464' }).METRICS_BIND).toEqual({ host: '::1', port: 9464 });
    expect(loadConfig({ METRICS_BIND: 'guichet-1.interne:0' }).METRICS_BIND).toEqual({
      host: 'guichet-1.interne',
      port: 0,
    });
    expect(() => loadConfig({ METRICS_BIND: '9464' })).toThrow(/METRICS_BIND: must be host:port/);
    expect(() => loadConfig({ METRICS_BIND: '127.0.0.1:70000' })).toThrow(/METRICS_BIND: the port/);
    expect(() => loadConfig({ METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN: must be at least 24/);
  });

  it('lists every bad variable at once', () => {
    try {
      loadConfig({ PORT: '99999', LOG_LEVEL: 'loud' });
      throw new Error('expected a ConfigError');
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as ConfigError).problems.map((p) => p.split(':')[0])).toEqual(['PORT', 'LOG_LEVEL']);
    }
  });

  it('refuses to skip Twilio signatures in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', TWILIO_DEV_SKIP_SIGNATURE: 'true' })).toThrow(
      /TWILIO_DEV_SKIP_SIGNATURE/,
    );
    expect(
      loadConfig({ NODE_ENV: 'development', TWILIO_DEV_SKIP_SIGNATURE: 'true' }).TWILIO_DEV_SKIP_SIGNATURE,
    ).toBe(true);
  });

  it('keeps photos in PostgreSQL by default, and needs the bucket and its keys for S3', () => {
    expect(loadConfig({}).MEDIA_STORE).toBe('postgres');
    expect(() => loadConfig({ MEDIA_STORE: 's3', S3_ENDPOINT: 'https://s3.example.fr' })).toThrow(
      /S3_BUCKET: is required when MEDIA_STORE=s3/,
    );
  });

  it('keeps PUBLIC_URL without its trailing slash, so signatures are computed on the right URL', () => {
    expect(publicUrlOf(loadConfig({ PUBLIC_URL: 'https://guichet.example.fr/' }))).toBe(
      'https://guichet.example.fr',
    );
  });
});
