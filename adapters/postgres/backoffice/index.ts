// The back office's queries over the shared store's SQL client (same database, same migrations).
export { PostgresBackofficeStore } from './postgres-backoffice-store';
