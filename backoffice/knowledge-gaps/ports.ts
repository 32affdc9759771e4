// Where the knowledge gaps are kept (the turn commit writes them; see adapters/postgres/postgres-shared-store.ts).
import type { KnowledgeGap } from './grouping';

export interface KnowledgeGapStore {
  /** The gaps not yet handled of a tenant since `since`, newest first, at most `limit`. */
  listOpen(tenantId: string, since: Date, limit: number): Promise<KnowledgeGap[]>;
  /** Marks these gaps of the tenant handled (others' ids are ignored); returns how many changed. */
  markHandled(tenantId: string, ids: readonly string[], actor: string): Promise<number>;
}
