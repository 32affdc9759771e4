// Public entry of territory loading: load, hot reload, and the provider the app keeps.
export {
  DEFAULT_TERRITORY_DIR,
  FIXTURE_TERRITORY_DIR,
  createCatalog,
  loadTerritories,
  loadTerritoryFolder,
  normalizePhoneNumber,
  territoryDirsFrom,
  type TerritoryCatalog,
} from './load';
export { watchTerritories, type TerritoryWatcher, type WatchOptions } from './watch';
export { TerritoryProvider, type TerritoryProviderOptions } from './provider';
