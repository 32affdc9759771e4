// Importers of public data into the territory format.
export {
  AnnuaireImportError,
  DILA_ATTRIBUTION,
  importAnnuaire,
  type ImportedFacility,
  type ImportOptions,
  type ImportResult,
} from './annuaire';
export { kindFromPivot, pivotLabels } from './pivot-types';
export { formatDays, slotsToOpeningHours, type Slot } from './slots';
