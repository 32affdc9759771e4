// Service levels: how many calendar days a request of a type (or of a type's category) may wait, read from
// the territory's requestTypes[].serviceLevel. The same list feeds the API's `dueAt` (dueAt below) and the
// SQL that filters and sorts by due date (adapters/postgres/backoffice/requests.ts, dueSql): the due date is
// computed when read, never stored, so it holds for every request whatever created it (bot, Open311, API)
// and follows the territory file when its delays change.
import type { TerritoryCatalog } from '../knowledge/territory';
import type { RequestView } from './schemas';

export interface ServiceLevel {
  tenantId: string;
  type: string;
  /** null: the type's default delay; a category's own delay wins over it. */
  category: string | null;
  days: number;
}

const DAY_MS = 86_400_000;
/** "Due soon": due within this many days. */
export const DUE_SOON_DAYS = 2;

/** The service levels of the territories in scope (all of them for a platform administrator). */
export function serviceLevelsOf(catalog: TerritoryCatalog, tenantId: string | null): ServiceLevel[] {
  const territories =
    tenantId === null ? catalog.list() : [catalog.get(tenantId)].filter((t) => t !== undefined);
  return territories.flatMap((t) =>
    t.requestTypes.flatMap((rt): ServiceLevel[] => {
      if (!rt.serviceLevel) return [];
      const categories = Object.entries(rt.serviceLevel.categories ?? {}).map(([category, days]) => ({
        tenantId: t.id,
        type: rt.id,
        category,
        days,
      }));
      return [...categories, { tenantId: t.id, type: rt.id, category: null, days: rt.serviceLevel.days }];
    }),
  );
}

/** The delay in days that applies to a request (category first, then its type), or null. */
export function delayOf(
  levels: readonly ServiceLevel[],
  request: Pick<RequestView, 'tenantId' | 'type' | 'payload'>,
): number | null {
  const category = typeof request.payload.category === 'string' ? request.payload.category : null;
  const mine = levels.filter((l) => l.tenantId === request.tenantId && l.type === request.type);
  return (
    mine.find((l) => l.category !== null && l.category === category)?.days ??
    mine.find((l) => l.category === null)?.days ??
    null
  );
}

/** The request with its due date (creation + delay, calendar days; null without a service level). */
export function withDueAt<R extends RequestView>(
  levels: readonly ServiceLevel[],
  request: R,
): R & { dueAt: string | null } {
  const days = delayOf(levels, request);
  const dueAt = days === null ? null : new Date(Date.parse(request.createdAt) + days * DAY_MS).toISOString();
  return { ...request, dueAt };
}
