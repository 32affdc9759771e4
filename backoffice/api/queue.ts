// Working the queue (issue 17, point 4): bulk actions on selected requests, the CSV export of a filtered
// list, and saved filters. The list itself is GET /requests (requests.ts); its filter is built by
// request-filter.ts for the list and the export alike.
import { stringify } from 'csv-stringify/sync';
import { z } from 'zod';
import { GuichetError } from '../../bot/errors';
import { actorOf, hasRole, scopeOf, tenantOf } from '../auth';
import {
  BulkActionBody,
  IdParams,
  RequestDetailViewSchema,
  RequestListQuery,
  SavedFilterBody,
  SavedFilterViewSchema,
  TenantQuery,
  type RequestView,
} from '../schemas';
import { vocabularyFor, type VocabularyView } from '../vocabulary';
import type { ApiDeps } from './deps';
import { withoutContacts } from './request-view';
import { requestFilterOf, withDue } from './request-filter';
import { assignmentFor, statusPlan } from './requests';
import { route, type AnyRoute } from './route';

/** More rows than this: the export is refused with a message asking for narrower filters. */
export const EXPORT_MAX_ROWS = 10_000;

const ExportQuery = RequestListQuery.omit({ limit: true, cursor: true });

/**
 * A spreadsheet runs a cell starting with = + - @ (or a tab / carriage return) as a formula: such a cell is
 * prefixed with an apostrophe, which spreadsheets show as text (OWASP "CSV injection").
 */
export const neutralise = (cell: string): string => (/^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell);

const DAY_MS = 86_400_000;

function exportRows(
  items: (RequestView & { dueAt: string | null })[],
  labels: (tenantId: string) => VocabularyView,
  now: Date,
): string[][] {
  return items.map((r) => {
    const v = labels(r.tenantId);
    const date = new Intl.DateTimeFormat('fr-FR', {
      timeZone: v.timeZone,
      dateStyle: 'short',
      timeStyle: 'short',
    });
    const category = typeof r.payload.category === 'string' ? r.payload.category : null;
    const open = r.status === 'received' || r.status === 'in_progress';
    const late =
      open && r.dueAt && Date.parse(r.dueAt) < now.getTime()
        ? String(Math.floor((now.getTime() - Date.parse(r.dueAt)) / DAY_MS))
        : '';
    return [
      r.reference,
      date.format(new Date(r.createdAt)),
      v.requestTypes[r.type] ?? r.type,
      category ? (v.categories[`${r.type}:${category}`] ?? v.categories[category] ?? category) : '',
      r.communeId ? (v.communes[r.communeId] ?? r.communeId) : '',
      r.location?.label ?? r.addressText ?? '',
      v.channels[r.channel] ?? r.channel,
      v.statuses[r.status] ?? r.status,
      r.dueAt ? date.format(new Date(r.dueAt)) : '',
      late,
      r.resolvedAt ? date.format(new Date(r.resolvedAt)) : '',
    ].map(neutralise);
  });
}

const HEADERS = [
  'Référence',
  'Reçue le',
  'Type',
  'Catégorie',
  'Commune',
  'Lieu',
  'Canal',
  'Statut',
  'Échéance',
  'Jours de retard',
  'Résolue le',
];

export function queueRoutes(deps: ApiDeps): AnyRoute[] {
  return [
    route({
      method: 'post',
      path: '/requests/bulk',
      operationId: 'bulkRequests',
      summary:
        'One action on several requests, all or nothing ("status": change their status; "assign": team/agent)',
      description:
        'Each request gets its own event and its citizen notice exactly as POST /requests/{id}/status, in one ' +
        'transaction: an id outside the caller’s scope answers 404 naming it and nothing is changed; a request ' +
        'already in that status (without a note) answers 409 and nothing is changed. "assign" works as POST ' +
        '/requests/{id}/assign for each request (an absent field keeps each request’s value), audited.',
      tag: 'requests',
      minRole: 'agent',
      query: TenantQuery,
      body: BulkActionBody,
      response: z.object({ items: z.array(RequestDetailViewSchema) }),
      async handle({ query, body, principal }) {
        const scope = scopeOf(principal, query.tenant);
        const ids = [...new Set(body.ids)];
        const result =
          body.action === 'assign'
            ? await deps.store.assignRequests(scope, ids, assignmentFor(body), actorOf(principal))
            : await deps.store.changeRequestStatuses(scope, ids, statusPlan(deps, principal, body));
        if ('missing' in result) throw new GuichetError('NOT_FOUND', `No request ${result.missing}`);
        return { items: withoutContacts(result.updated) };
      },
    }),
    route({
      method: 'get',
      path: '/requests/export.csv',
      operationId: 'exportRequests',
      summary: 'The filtered requests list as a CSV file for French spreadsheets (";", UTF-8 with BOM)',
      description:
        `Same filters as GET /requests, every page, at most ${EXPORT_MAX_ROWS} rows (more: 400 asking for ` +
        'narrower filters). French headers and labels, dates in the territory’s time zone, no contact details ' +
        'of citizens, cells that a spreadsheet would run as a formula neutralised. Written to the audit log.',
      tag: 'requests',
      minRole: 'agent',
      query: ExportQuery,
      response: { stream: 'text/csv' },
      async handle({ query, principal, res }) {
        const { tenant, ...rest } = query;
        const scope = scopeOf(principal, tenant);
        const filter = requestFilterOf(deps, scope, { ...rest, limit: EXPORT_MAX_ROWS });
        const found = await deps.store.listRequests(scope, { ...filter, limit: EXPORT_MAX_ROWS + 1 });
        if (found.items.length > EXPORT_MAX_ROWS || found.nextCursor !== null)
          throw new GuichetError(
            'BAD_REQUEST',
            `Plus de ${EXPORT_MAX_ROWS.toLocaleString('fr-FR')} demandes correspondent : affinez les filtres avant d’exporter.`,
          );
        const vocabularies = new Map<string, VocabularyView>();
        const labels = (tenantId: string): VocabularyView => {
          let v = vocabularies.get(tenantId);
          if (!v) {
            v = vocabularyFor(deps.territories.current().get(tenantId), deps.requestTypes);
            vocabularies.set(tenantId, v);
          }
          return v;
        };
        const now = deps.clock();
        const csv = stringify(
          [HEADERS, ...exportRows(withDue(filter.serviceLevels, found.items), labels, now)],
          {
            delimiter: ';',
            bom: true,
            record_delimiter: 'windows',
          },
        );
        await deps.store.audit({
          tenantId: scope.tenantId,
          actor: actorOf(principal),
          action: 'requests.export',
          details: { filter: rest, rows: found.items.length },
        });
        const day = now.toISOString().slice(0, 10);
        res
          .status(200)
          .set({
            'Content-Type': 'text/csv; charset=utf-8',
            'Content-Disposition': `attachment; filename="demandes-${day}.csv"`,
            'Cache-Control': 'no-store',
          })
          .send(csv);
      },
    }),
    route({
      method: 'get',
      path: '/saved-filters',
      operationId: 'listSavedFilters',
      summary: 'The caller’s saved filters of the requests list, and those shared with the tenant',
      tag: 'requests',
      minRole: 'agent',
      query: TenantQuery,
      response: z.object({ items: z.array(SavedFilterViewSchema) }),
      async handle({ query, principal }) {
        const tenantId = tenantOf(principal, query.tenant);
        return { items: await deps.savedFilters.listSavedFilters(tenantId, actorOf(principal)) };
      },
    }),
    route({
      method: 'post',
      path: '/saved-filters',
      operationId: 'createSavedFilter',
      summary: 'Save the current filters under a name (shared with the tenant: supervisors and admins)',
      tag: 'requests',
      minRole: 'agent',
      query: TenantQuery,
      body: SavedFilterBody,
      status: 201,
      response: SavedFilterViewSchema,
      async handle({ query, body, principal }) {
        const tenantId = tenantOf(principal, query.tenant);
        if (body.shared && !hasRole(principal, 'supervisor'))
          throw new GuichetError('FORBIDDEN', 'Sharing a filter with the tenant needs the supervisor role');
        return deps.savedFilters.createSavedFilter({ tenantId, owner: actorOf(principal), ...body });
      },
    }),
    route({
      method: 'delete',
      path: '/saved-filters/{id}',
      operationId: 'deleteSavedFilter',
      summary: 'Delete one of the caller’s saved filters',
      tag: 'requests',
      minRole: 'agent',
      params: IdParams,
      query: TenantQuery,
      response: z.object({ ok: z.literal(true) }),
      async handle({ params, query, principal }) {
        const tenantId = tenantOf(principal, query.tenant);
        const deleted = await deps.savedFilters.deleteSavedFilter(tenantId, actorOf(principal), params.id);
        if (!deleted) throw new GuichetError('NOT_FOUND', `No saved filter ${params.id} of yours`);
        return { ok: true as const };
      },
    }),
  ];
}
