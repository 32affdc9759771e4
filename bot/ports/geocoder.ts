// Port: turning a street address typed by a citizen into coordinates and a commune (INSEE code), and a
// shared position back into the nearest address (so the citizen can check the pin is on the right place).
// Production adapter: the national address API (adapters/geocoder). A geocoder never blocks a report:
// callers treat `GeocoderUnavailableError` as "record the address text now, geocode later".
import { GuichetError } from '../errors';

export interface GeocodeFilter {
  /** INSEE code of the commune the address must be in. */
  citycode?: string;
  postcode?: string;
}

export interface GeocodeResult {
  lat: number;
  lon: number;
  /** Normalised address, e.g. "12 Rue des Lilas 25971 Montcey-sur-Loue". */
  label: string;
  /** INSEE code of the commune. */
  citycode: string;
  postcode: string;
  /** 0..1: how well the result matches the query. */
  score: number;
}

export interface Geocoder {
  /**
   * The best match for the query, or null when nothing matches.
   * Throws GeocoderUnavailableError when the service is slow, down or answers an error.
   */
  geocode(query: string, filter?: GeocodeFilter): Promise<GeocodeResult | null>;
  /**
   * The address nearest to a position (its lat/lon are the address's, not the given point's), or null
   * when there is none nearby. Throws GeocoderUnavailableError like geocode.
   */
  reverse(point: { lat: number; lon: number }): Promise<GeocodeResult | null>;
}

/** The geocoding service did not answer in time or answered an error (not "no match"). */
export class GeocoderUnavailableError extends GuichetError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('DEPENDENCY_UNAVAILABLE', message, undefined, options);
    this.name = 'GeocoderUnavailableError';
  }
}

export const isGeocoderUnavailable = (e: unknown): e is GeocoderUnavailableError =>
  e instanceof GeocoderUnavailableError;
