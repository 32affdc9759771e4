// Outbound adapter for the Geocoder port (bot/ports/geocoder.ts): the national address API.
export {
  ApiAdresseGeocoder,
  DEFAULT_GEOCODER_TIMEOUT_MS,
  DEFAULT_GEOCODER_URL,
  type ApiAdresseGeocoderOptions,
} from './api-adresse-geocoder';
