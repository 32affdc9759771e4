// Geocoder backed by the national address API (Base Adresse Nationale):
//   GET {baseUrl}/search/?q=…&limit=1[&citycode=…|&postcode=…] → GeoCodeJSON FeatureCollection;
//   GET {baseUrl}/reverse/?lon=…&lat=…&limit=1 → the same document, nearest address first.
// Slow (> timeoutMs), unreachable, 5xx/429 or malformed answers raise GeocoderUnavailableError so the
// caller records the address text and flags it for later geocoding; an empty result is a plain null.
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
  /** Asked before each call (a platform's calls per second, call-budget.ts): its refusal is the API being down. */
  budget?: { admit(): Promise<void> };
}

export class ApiAdresseGeocoder implements Geocoder {
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly budget: ApiAdresseGeocoderOptions['budget'];
  private sent = 0;

  constructor(options: ApiAdresseGeocoderOptions = {}) {
    this.baseUrl = (options.baseUrl ?? DEFAULT_GEOCODER_URL).replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? DEFAULT_GEOCODER_TIMEOUT_MS;
    this.budget = options.budget;
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

  /** Calls sent to the API so far, whatever it answered (read by the metrics when scraped). */
  calls(): number {
    return this.sent;
  }

  /** The first feature of a GeoCodeJSON answer, under the deadline (which starts once the budget let the call go). */
  private async bestOf(url: URL): Promise<GeocodeResult | null> {
    await this.budget?.admit();
    this.sent += 1;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
    try {
      const response = await fetch(url, {
        signal: controller.signal,
        headers: { accept: 'application/json' },
      });
      if (response.status >= 500 || response.status === 429) {
        throw new GeocoderUnavailableError(`Address API answered ${response.status}`);
      }
      if (!response.ok) return null; // 400: query the API cannot search (too short, only punctuation)
      // The body is read under the same deadline: a stalled body is as slow as a stalled response.
      const body: unknown = await response.json();
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
    } catch (error) {
      if (error instanceof GeocoderUnavailableError) throw error;
      const reason = controller.signal.aborted ? `no answer within ${this.timeoutMs} ms` : String(error);
      throw new GeocoderUnavailableError(`Address API unavailable: ${reason}`, { cause: error });
    } finally {
      clearTimeout(timer);
    }
  }
}
