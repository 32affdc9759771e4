// Territory content: schema, loading with hot reload, lookups.
export * from './schema';
export * from './loader';
export { TerritoryError, type TerritoryIssue } from './errors';
export { competentAuthority, findCommune } from './authority';
export { foldedNames, hasWords } from './names';
