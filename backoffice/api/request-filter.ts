// The requests list's filter as the store takes it, shared by the list, its CSV export and saved filters:
// the query's fields plus what the territory knows (service levels for due dates, commune names for the
// search) and the clock.

import type { RequestFilter, Scope } from '../ports';
import type { RequestListQuery, RequestView } from '../schemas';
import { serviceLevelsOf, withDueAt, type ServiceLevel } from '../service-levels';
import type { ApiDeps } from './deps';

/** Folds case and accents, as guichet_fold does in SQL (migration 0012). */
const fold = (text: string): string => text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

export function requestFilterOf(
  deps: ApiDeps,
  scope: Scope,
  query: Omit<RequestListQuery, 'tenant'>,
): RequestFilter & { serviceLevels: ServiceLevel[] } {
  const catalog = deps.territories.current();
  const serviceLevels = serviceLevelsOf(catalog, scope.tenantId);
  const territories = scope.tenantId === null ? catalog.list() : [catalog.get(scope.tenantId)];
  const q = query.q ? fold(query.q) : null;
  const communeIds = q
    ? territories.flatMap((t) => (t?.communes ?? []).filter((c) => fold(c.name).includes(q)).map((c) => c.id))
    : [];
  return { ...query, serviceLevels, communeIds, now: deps.clock() };
}

/** Each request with its due date. */
export const withDue = <R extends RequestView>(levels: readonly ServiceLevel[], items: R[]) =>
  items.map((r) => withDueAt(levels, r));
