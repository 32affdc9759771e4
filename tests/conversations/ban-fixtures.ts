// Recorded-looking answers of the national address API (GeoCodeJSON, as api-adresse.data.gouv.fr
// returns them) for the demo territory's communes, and nock helpers for conversation tests.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import nock from 'nock';

export const BAN_API = 'https://api-adresse.data.gouv.fr';

/** An answer of the API recorded in adapters/geocoder/fixtures (the adapter's own tests' answers). */
export const recordedAnswer = (name: string): string =>
  readFileSync(path.join(__dirname, '../../adapters/geocoder/fixtures', name), 'utf8');

export interface BanAddress {
  label: string;
  lat: number;
  lon: number;
  citycode: string;
  postcode: string;
  city: string;
  score?: number;
  housenumber?: string;
  street?: string;
}

/** A /search/ answer with one feature, shaped like the real API's (extra properties included). */
export function featureCollection(query: string, address: BanAddress | null): Record<string, unknown> {
  const features = address
    ? [
        {
          type: 'Feature',
          geometry: { type: 'Point', coordinates: [address.lon, address.lat] },
          properties: {
            label: address.label,
            score: address.score ?? 0.8731454545454544,
            ...(address.housenumber ? { housenumber: address.housenumber } : {}),
            id: `${address.citycode}_0420_${(address.housenumber ?? '').padStart(5, '0')}`,
            name: address.label.replace(` ${address.postcode} ${address.city}`, ''),
            postcode: address.postcode,
            citycode: address.citycode,
            x: 930512.37,
            y: 6671048.91,
            city: address.city,
            context: '25, Doubs, Bourgogne-Franche-Comté',
            type: address.housenumber ? 'housenumber' : 'street',
            importance: 0.45212,
            street: address.street ?? address.label,
          },
        },
      ]
    : [];
  return {
    type: 'FeatureCollection',
    version: 'draft',
    features,
    attribution: 'BAN',
    licence: 'ETALAB-2.0',
    query,
    limit: 1,
  };
}

// Demo territory addresses (Montcey-sur-Loue, INSEE 25971): 14 rue des Lilas is ~17 m from number 12.
export const LILAS_12: BanAddress = {
  label: '12 Rue des Lilas 25971 Montcey-sur-Loue',
  lat: 47.10215,
  lon: 6.05102,
  citycode: '25971',
  postcode: '25971',
  city: 'Montcey-sur-Loue',
  housenumber: '12',
  street: 'Rue des Lilas',
};
export const LILAS_14: BanAddress = {
  ...LILAS_12,
  label: '14 Rue des Lilas 25971 Montcey-sur-Loue',
  lat: 47.1023,
  lon: 6.05108,
  housenumber: '14',
};
export const PASTEUR: BanAddress = {
  label: 'Rue Pasteur 25971 Montcey-sur-Loue',
  lat: 47.1041,
  lon: 6.0563,
  citycode: '25971',
  postcode: '25971',
  city: 'Montcey-sur-Loue',
  score: 0.7213,
  street: 'Rue Pasteur',
};
export const VERNIERE_EGLISE: BanAddress = {
  label: '3 Place de l’Église 25972 Vernière',
  lat: 47.1187,
  lon: 6.0702,
  citycode: '25972',
  postcode: '25972',
  city: 'Vernière',
  housenumber: '3',
  street: 'Place de l’Église',
};
/** What a national search for a common street name finds first: another town, outside the territory. */
export const LILAS_PARIS: BanAddress = {
  label: '12 Rue des Lilas 75019 Paris',
  lat: 48.877496,
  lon: 2.397712,
  citycode: '75119',
  postcode: '75019',
  city: 'Paris',
  housenumber: '12',
  street: 'Rue des Lilas',
};

/** Expects one /search/ call for this query (and filter), answered with this address (or nothing). */
export function banSearch(
  q: string,
  address: BanAddress | null,
  filter: Record<string, string> = {},
): nock.Scope {
  return nock(BAN_API)
    .get('/search/')
    .query({ q, limit: '1', ...filter })
    .reply(200, featureCollection(q, address), { 'content-type': 'application/json; charset=utf-8' });
}
