// Reports recorded while the national address API was down carry the citizen's address text and the
// needsGeocoding flag ("Our staff will locate the address"). This job geocodes them once the API answers
// again, so intervention teams get a position on the map without anyone typing it in.
import type { Geocoder, RequestRecord, SharedStore } from '../../bot/ports';
import type { TerritoryProvider } from '../../knowledge/territory';
import { geocodeAddress } from './location';

export interface GeocodingRetryReport {
  located: number;
  /** The address does not match anything in the territory: left to an agent, no longer retried. */
  notLocated: number;
  /** The API is still down (or the tenant is gone): left for the next run. */
  pending: number;
}

export interface GeocodingRetryDeps {
  store: SharedStore;
  geocoder: Geocoder;
  territories: TerritoryProvider;
  /** Requests handled per run (default 50): the address API is rate-limited per IP. */
  batchSize?: number;
}

export const GEOCODING_ACTOR = 'system:geocoding';

export async function retryGeocoding(deps: GeocodingRetryDeps): Promise<GeocodingRetryReport> {
  const report: GeocodingRetryReport = { located: 0, notLocated: 0, pending: 0 };
  const waiting = await deps.store.listRequestsNeedingGeocoding(deps.batchSize ?? 50);
  for (const [i, request] of waiting.entries()) {
    const outcome = await retryOne(deps, request);
    if (outcome === 'unavailable') {
      // Still down: asking again for every other request would only add to its load.
      report.pending += waiting.length - i;
      break;
    }
    report[outcome] += 1;
  }
  return report;
}

async function retryOne(
  deps: GeocodingRetryDeps,
  request: RequestRecord,
): Promise<'located' | 'notLocated' | 'pending' | 'unavailable'> {
  const territory = deps.territories.current().get(request.tenantId);
  const address = (request.payload.address ?? {}) as { text?: string };
  const text = request.addressText ?? address.text;
  if (!territory) return 'pending';
  const loc = text ? await geocodeAddress(deps.geocoder, territory, text, request.communeId) : undefined;
  if (loc?.geocoding === 'unavailable') return 'unavailable';
  if (!loc || loc.geocoding !== 'ok' || loc.lat === undefined || loc.lon === undefined) {
    await deps.store.recordGeocoding({
      tenantId: request.tenantId,
      requestId: request.id,
      payloadPatch: { geocoding: loc?.geocoding ?? 'not_found' },
      note: text
        ? `Adresse non localisée automatiquement (« ${text} ») : à situer par un agent.`
        : 'Aucune adresse à localiser.',
      actor: GEOCODING_ACTOR,
    });
    return 'notLocated';
  }
  const written = await deps.store.recordGeocoding({
    tenantId: request.tenantId,
    requestId: request.id,
    location: { lat: loc.lat, lon: loc.lon, label: loc.label },
    communeId: loc.communeId,
    payloadPatch: {
      geocoding: 'ok',
      address: { ...address, text, label: loc.label, citycode: loc.citycode, postcode: loc.postcode },
    },
    note: `Adresse localisée : ${loc.label ?? text}.`,
    actor: GEOCODING_ACTOR,
  });
  return written ? 'located' : 'pending';
}
