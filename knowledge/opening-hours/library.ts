// Thin wrapper around the `opening_hours` library (OpenStreetMap syntax). Everything that parses an
// opening_hours value goes through here, so the holiday region is always supplied the same way.
import OpeningHours from 'opening_hours';

/** Region whose public holidays `PH` refers to (country code 'fr', optional state e.g. 'Guyane', 'Moselle'). */
export interface HolidayRegion {
  country: string;
  state?: string;
}

export interface GeoCoordinates {
  lat: number;
  lon: number;
}

// Centre of metropolitan France: only used by sunrise/sunset variables when no location is known.
const FALLBACK_LOCATION: GeoCoordinates = { lat: 46.6, lon: 2.4 };

function nominatim(region: HolidayRegion, location?: GeoCoordinates) {
  const at = location ?? FALLBACK_LOCATION;
  return { lat: at.lat, lon: at.lon, address: { country_code: region.country, state: region.state ?? '' } };
}

const SUN_VARIABLES = /sunrise|sunset|dawn|dusk/i;

// Parsing is the costly part; values repeat across calls (every SMS asks about the same facility).
const cache = new Map<string, OpeningHours>();
const CACHE_LIMIT = 2000;

/** A parsed opening_hours value. Throws an Error with the library's message when the value is invalid. */
export function parseOpeningHours(
  value: string,
  region: HolidayRegion,
  location?: GeoCoordinates,
): OpeningHours {
  // The location only matters to sun-relative times (sunrise, dusk…): without them every facility with the same
  // hours shares one parse. On a platform (60,000 facilities, a few hundred distinct values) a key per facility
  // made the cache overflow and clear itself all the time.
  const place = SUN_VARIABLES.test(value) ? `${location?.lat},${location?.lon}` : '';
  const key = `${value}\u0000${region.country}\u0000${region.state ?? ''}\u0000${place}`;
  const hit = cache.get(key);
  if (hit) return hit;
  let parsed: OpeningHours;
  try {
    parsed = new OpeningHours(value, nominatim(region, location));
  } catch (e) {
    // The library throws plain strings such as `Mo-Fr 25:00 <--- (Time range starts outside of the current day)`.
    throw new Error(typeof e === 'string' ? e : e instanceof Error ? e.message : String(e));
  }
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, parsed);
  return parsed;
}

/** null when valid, else the library's error message. */
export function openingHoursError(value: string, region: HolidayRegion): string | null {
  if (value.trim() === '') return 'empty opening_hours value';
  try {
    parseOpeningHours(value, region);
    return null;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

/**
 * Name of the public holiday on a wall-clock day (a Date whose local fields are the territory's wall time),
 * or undefined. Uses the library's holiday data for the region, so overseas holidays (e.g. 10 June in Guyane) work.
 */
export function publicHolidayName(wallNoon: Date, region: HolidayRegion): string | undefined {
  const ph = parseOpeningHours('PH', region);
  if (!ph.getState(wallNoon)) return undefined;
  return ph.getComment(wallNoon) ?? 'PH';
}
