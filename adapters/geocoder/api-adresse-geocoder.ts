// Geocoder backed by the national address API (Base Adresse Nationale):
//   GET {baseUrl}/search/?q=…&limit=1[&citycode=…|&postcode=…] → GeoCodeJSON FeatureCollection;
//   GET {baseUrl}/reverse/?lon=…&lat=…&limit=1 → the same document, nearest address first.
// Slow (> timeoutMs), unreachable, 5xx/429 or malformed answers raise GeocoderUnavailableError so the
// caller records the address text and flags it for later geocoding; an empty result is a plain null.
// Called with node:http(s) and a keep-alive agent rather than the global fetch: every report locates its
// address, and fetch (its streams, Headers and Request objects) cost the server ~3 times the CPU of a plain
// request for the same exchange (BENCHMARKS.md, issue 21).
import http from 'node:http';
import https from 'node:https';
import {
  GeocoderUnavailableError,
  type GeocodeFilter,
  type GeocodeResult,
  type Geocoder,
} from '../../bot/ports/geocoder';
import { GeocodeJsonSchema } from './geocodejson';

export const DEFAULT_GEOCODER_URL = 'https://api-adresse.data.gouv.fr';
export const DEFAULT_GEOCODER_TIMEOUT_MS = 2000;

/** The API refuses queries outside 3..200 characters (400), which is "no match" for us, not an outage. */
const MIN_QUERY = 3;
const MAX_QUERY = 200;

export interface ApiAdresseGeocoderOptions {
  baseUrl?: string;
  timeoutMs?: number;
}

/**
 * A socket error after its request was given up (the deadline destroyed it) has no listener left, and an
 * unheard 'error' ends the process: each socket gets one listener that ignores it (the request in progress,
 * if any, hears the error through its own). Seen with nock's sockets in the tests; cheap insurance in production.
 */
const guarded = new WeakSet<object>();
function guardSocket(socket: import('node:net').Socket): void {
  if (guarded.has(socket)) return;
  guarded.add(socket);
  socket.on('error', () => undefined);
}

/** Answers are a few hundred bytes (limit=1): a larger one is not the address API. */
const MAX_ANSWER_BYTES = 256 * 1024;

export class ApiAdresseGeocoder implements Geocoder {
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly client: typeof http | typeof https;
  // Connections kept open between calls (unreferenced while idle: they never hold the process up).
  private readonly agent: http.Agent;

  constructor(options: ApiAdresseGeocoderOptions = {}) {
    this.baseUrl = (options.baseUrl ?? DEFAULT_GEOCODER_URL).replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? DEFAULT_GEOCODER_TIMEOUT_MS;
    const secure = new URL(this.baseUrl).protocol === 'https:';
    this.client = secure ? https : http;
    this.agent = new (secure ? https : http).Agent({ keepAlive: true, maxSockets: 16 });
  }

  async geocode(query: string, filter: GeocodeFilter = {}): Promise<GeocodeResult | null> {
    const q = query.replace(/\s+/g, ' ').trim().slice(0, MAX_QUERY);
    if (q.length < MIN_QUERY) return null;
    const url = new URL(`${this.baseUrl}/search/`);
    url.searchParams.set('q', q);
    url.searchParams.set('limit', '1');
    if (filter.citycode) url.searchParams.set('citycode', filter.citycode);
    if (filter.postcode) url.searchParams.set('postcode', filter.postcode);
    return this.bestOf(url);
  }

  async reverse(point: { lat: number; lon: number }): Promise<GeocodeResult | null> {
    const url = new URL(`${this.baseUrl}/reverse/`);
    url.searchParams.set('lon', String(point.lon));
    url.searchParams.set('lat', String(point.lat));
    url.searchParams.set('limit', '1');
    return this.bestOf(url);
  }

  /** The first feature of a GeoCodeJSON answer, under the deadline. */
  private async bestOf(url: URL): Promise<GeocodeResult | null> {
    const answer = await this.get(url);
    if (answer.status >= 500 || answer.status === 429) {
      throw new GeocoderUnavailableError(`Address API answered ${answer.status}`);
    }
    if (answer.status < 200 || answer.status >= 300) return null; // 400: a query the API cannot search
    let body: unknown;
    try {
      body = JSON.parse(answer.body);
    } catch {
      throw new GeocoderUnavailableError('Address API answered an unexpected document');
    }
    const parsed = GeocodeJsonSchema.safeParse(body);
    if (!parsed.success) throw new GeocoderUnavailableError('Address API answered an unexpected document');
    const best = parsed.data.features[0];
    if (!best) return null;
    const [lon, lat] = best.geometry.coordinates;
    return {
      lat,
      lon,
      label: best.properties.label,
      citycode: best.properties.citycode,
      postcode: best.properties.postcode ?? '',
      score: best.properties.score,
    };
  }

  /** One GET, its body read under the same deadline (a stalled body is as slow as a stalled answer). */
  private get(url: URL): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const fail = (reason: string, cause?: unknown): void =>
        reject(new GeocoderUnavailableError(`Address API unavailable: ${reason}`, { cause }));
      const request = this.client.get(
        url,
        { agent: this.agent, headers: { accept: 'application/json' } },
        (response) => {
          const chunks: Buffer[] = [];
          let size = 0;
          response.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_ANSWER_BYTES) request.destroy(new Error('answer too large'));
            else chunks.push(chunk);
          });
          response.on('end', () => {
            clearTimeout(timer);
            resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
          });
          response.on('error', (error) => {
            clearTimeout(timer);
            fail(String(error), error);
          });
        },
      );
      const timer = setTimeout(
        () => request.destroy(new Error(`no answer within ${this.timeoutMs} ms`)),
        this.timeoutMs,
      );
      request.on('error', (error) => {
        clearTimeout(timer);
        fail(error.message, error);
      });
      request.on('socket', guardSocket);
    });
  }
}
