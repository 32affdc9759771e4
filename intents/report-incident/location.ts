// Where the problem is: an address typed by the citizen (geocoded with the national address API) or a
// shared position. Derives the commune from the geocoded INSEE code / postcode, and lists the open reports
// nearby for duplicate detection. A slow or failing geocoder never blocks the report.
import { z } from 'zod';
import type { GeoPoint } from '../../bot/messages';
import { isGeocoderUnavailable, type GeocodeResult, type Geocoder } from '../../bot/ports';
import type { TurnContext } from '../../bot/turn-context';
import type { Territory } from '../../knowledge/territory';

/** Same-category reports closer than this are offered as "already reported". */
export const DUPLICATE_RADIUS_M = 50;
/** Below this BAN score the match is a guess (another street, another town): keep the text only. */
export const MIN_GEOCODE_SCORE = 0.4;
const MAX_NEARBY = 5;

export const GEOCODING_STATUSES = ['ok', 'not_found', 'outside', 'unavailable', 'shared'] as const;

export const NearbySchema = z.object({
  id: z.string(),
  reference: z.string(),
  category: z.string().optional(),
});
export type Nearby = z.infer<typeof NearbySchema>;

export const LocationValueSchema = z.object({
  addressText: z.string().min(1).max(300).optional(),
  lat: z.number().min(-90).max(90).optional(),
  lon: z.number().min(-180).max(180).optional(),
  label: z.string().max(300).optional(),
  citycode: z.string().optional(),
  postcode: z.string().optional(),
  communeId: z.string().optional(),
  /** ok: geocoded in the territory; not_found / outside: text only; unavailable: API down (retry later); shared: GPS. */
  geocoding: z.enum(GEOCODING_STATUSES),
  nearby: z.array(NearbySchema).max(MAX_NEARBY).default([]),
});
export type LocationValue = z.infer<typeof LocationValueSchema>;

export const readLocation = (value: unknown): LocationValue | undefined => {
  const parsed = LocationValueSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
};

export const pointOf = (loc: LocationValue): GeoPoint | undefined =>
  loc.lat !== undefined && loc.lon !== undefined
    ? { lat: loc.lat, lon: loc.lon, label: loc.label }
    : undefined;

export interface LocateInput {
  addressText?: string;
  point?: GeoPoint;
  /** Commune already known (named in the message, chosen, or the only one): filters the search. */
  communeId?: string;
}

export async function locate(
  geocoder: Geocoder,
  ctx: TurnContext,
  territory: Territory,
  input: LocateInput,
): Promise<LocationValue> {
  const known = territory.communes.find((c) => c.id === input.communeId);
  if (input.point) {
    const { lat, lon, label } = input.point;
    const place = await placeOfPoint(geocoder, territory, input.point);
    const loc: LocationValue = {
      lat,
      lon,
      label: place.label ?? label,
      ...(place.citycode !== undefined ? { citycode: place.citycode, postcode: place.postcode } : {}),
      communeId: known?.id ?? place.communeId,
      geocoding: 'shared',
      nearby: [],
    };
    return { ...loc, nearby: await nearbyReports(ctx, loc) };
  }
  const loc = await geocodeAddress(geocoder, territory, input.addressText ?? '', known?.id);
  return loc.geocoding === 'ok' ? { ...loc, nearby: await nearbyReports(ctx, loc) } : loc;
}

/**
 * An address typed by a citizen, located in the territory: 'ok' with the position and the commune, 'not_found'
 * or 'outside' (text only), or 'unavailable' when the address API is slow or down (to retry later).
 */
export async function geocodeAddress(
  geocoder: Geocoder,
  territory: Territory,
  text: string,
  communeId?: string,
): Promise<LocationValue> {
  const known = territory.communes.find((c) => c.id === communeId);
  const addressText = text.trim().slice(0, 300);
  const base: LocationValue = { addressText, communeId: known?.id, geocoding: 'not_found', nearby: [] };
  let result;
  try {
    result = await geocoder.geocode(addressText, known ? { citycode: known.insee } : {});
  } catch (error) {
    if (!isGeocoderUnavailable(error)) throw error;
    return { ...base, geocoding: 'unavailable' };
  }
  if (!result || result.score < MIN_GEOCODE_SCORE) return base;
  const byInsee = territory.communes.find((c) => c.insee === result.citycode);
  const byPostcode = territory.communes.filter((c) => c.postcodes.includes(result.postcode));
  const commune = byInsee ?? (byPostcode.length === 1 ? byPostcode[0] : undefined);
  // A national search found a homonymous street elsewhere in France: not this territory's.
  if (!commune) return { ...base, geocoding: 'outside' };
  return {
    addressText,
    lat: result.lat,
    lon: result.lon,
    label: result.label,
    citycode: result.citycode,
    postcode: result.postcode,
    communeId: commune.id,
    geocoding: 'ok',
    nearby: [],
  };
}

/**
 * What a shared position is: the nearest address names the place for the citizen (or the agent) to check, and its
 * INSEE code gives the territory's commune. Nothing when the API is slow or down: the position is kept all the same.
 */
export async function placeOfPoint(
  geocoder: Geocoder,
  territory: Territory,
  point: GeoPoint,
): Promise<{ label?: string; citycode?: string; postcode?: string; communeId?: string }> {
  const nearest = await nearestAddress(geocoder, point);
  if (!nearest) return {};
  const commune = territory.communes.find((c) => c.insee === nearest.citycode);
  return {
    label: nearest.label,
    citycode: nearest.citycode,
    postcode: nearest.postcode,
    ...(commune ? { communeId: commune.id } : {}),
  };
}

/** A slow or failing address API leaves the position without an address: it is kept all the same. */
async function nearestAddress(geocoder: Geocoder, point: GeoPoint): Promise<GeocodeResult | null> {
  try {
    return await geocoder.reverse(point);
  } catch (error) {
    if (isGeocoderUnavailable(error)) return null;
    throw error;
  }
}

async function nearbyReports(ctx: TurnContext, loc: LocationValue): Promise<Nearby[]> {
  const point = pointOf(loc);
  if (!point) return [];
  const open = await ctx.sharedStore.findOpenRequestsNear({
    tenantId: ctx.tenant.id,
    type: 'report_incident',
    point,
    radiusM: DUPLICATE_RADIUS_M,
  });
  return open.slice(0, MAX_NEARBY).map((r) => ({
    id: r.id,
    reference: r.reference,
    category: typeof r.payload.category === 'string' ? r.payload.category : undefined,
  }));
}

/** The place as the citizen reads it back: the normalised address, the typed text, or the position. */
export function describeLocation(loc: LocationValue, territory: Territory): string {
  if (loc.label) return loc.label;
  const commune = territory.communes.find((c) => c.id === loc.communeId)?.name;
  const place =
    loc.addressText ??
    (loc.lat !== undefined && loc.lon !== undefined ? `${loc.lat.toFixed(5)}, ${loc.lon.toFixed(5)}` : '');
  return commune && !place.toLowerCase().includes(commune.toLowerCase()) ? `${place}, ${commune}` : place;
}
