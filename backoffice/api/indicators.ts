// /api/v1/indicators: the territory's steering indicators for supervisors, over a period compared with the
// previous one, as JSON or a CSV file. Definitions: backoffice/indicators/definitions.ts.
import { stringify } from 'csv-stringify/sync';
import { DateTime } from 'luxon';
import type { z } from 'zod';
import { GuichetError } from '../../bot/errors';
import { tenantOf, type Principal } from '../auth';
import { boundOf, DEFINITIONS, granularityFor, headlineOf, previousPeriod } from '../indicators/definitions';
import { csvRows, labelView, withoutOtherActors } from '../indicators/present';
import { IndicatorsQuery, IndicatorsViewSchema, type IndicatorsView } from '../schemas';
import { serviceLevelsOf } from '../service-levels';
import { vocabularyFor } from '../vocabulary';
import type { ApiDeps } from './deps';
import { neutralise } from './queue';
import { route, type AnyRoute } from './route';

const DAY_MS = 24 * 3600 * 1000;
const DEFAULT_DAYS = 90;
/** Longest period: two years of weekly or monthly buckets. */
const MAX_DAYS = 731;

const DESCRIPTION =
  'Scope: an authority-scoped reader gets its own authority’s figures; scope=territory gives the whole ' +
  'territory’s, with the breakdowns by commune, authority and team only for the intercommunalité’s readers ' +
  'and unscoped ones. Periods are [from, to); a day is read in the territory’s time zone. `previous`: the ' +
  'same figures over the period of the same length just before. Every breakdown row has a French label.';

async function compute(deps: ApiDeps, principal: Principal, query: z.output<typeof IndicatorsQuery>) {
  const tenantId = tenantOf(principal, query.tenant);
  // An authority-scoped token sees its own authority's figures only (and the territory's aggregates).
  if (principal.authorityId && query.authority && query.authority !== principal.authorityId) {
    throw new GuichetError('NOT_FOUND', `Unknown authority ${query.authority}`);
  }
  const territory = deps.territories.current().get(tenantId);
  const timeZone = territory?.timeZone ?? 'Europe/Paris';
  const to = query.to ? boundOf(query.to, timeZone) : deps.clock();
  const from = query.from ? boundOf(query.from, timeZone) : new Date(to.getTime() - DEFAULT_DAYS * DAY_MS);
  if (from >= to) throw new GuichetError('BAD_REQUEST', 'query.from: must be before to');
  if (to.getTime() - from.getTime() > MAX_DAYS * DAY_MS)
    throw new GuichetError('BAD_REQUEST', `query.from: the period may not exceed ${MAX_DAYS} days`);

  const own = principal.authorityId ?? query.authority ?? null;
  const authorityId = query.scope === 'territory' ? null : own;
  const mine = territory?.authorities.find((a) => a.id === principal.authorityId);
  // Other actors' figures: for unscoped readers, and the intercommunalité's (it compares its communes).
  const breakdowns = authorityId !== null || !principal.authorityId || mine?.kind === 'intercommunalite';

  const ask = (period: { from: Date; to: Date }) =>
    deps.store.indicators({
      tenantId,
      authorityId,
      ...period,
      timeZone,
      granularity: query.granularity ?? granularityFor(from, to),
      serviceLevels: serviceLevelsOf(deps.territories.current(), tenantId),
    });
  // Both periods at once: two connections of the pool, two cores of the database.
  const [current, before] = await Promise.all([
    ask({ from, to }),
    query.compare ? ask(previousPeriod(from, to)) : undefined,
  ]);
  const previous = before ? headlineOf(before) : undefined;
  const vocabulary = vocabularyFor(territory, deps.requestTypes);
  // Labelled first: the actors' kinds are summed from the authorities before those are withheld.
  const all = labelView(current, vocabulary, territory);
  const labelled = breakdowns ? all : withoutOtherActors(all);
  const scopeLabel =
    authorityId === null
      ? (territory?.name ?? tenantId)
      : (vocabulary.authorities[authorityId] ?? authorityId);
  const view: IndicatorsView = {
    ...labelled,
    scope: { authorityId, label: scopeLabel, breakdowns },
    ...(previous ? { previous } : {}),
  };
  const now = headlineOf(view);
  view.figures = DEFINITIONS.map((d) => ({
    ...d,
    value: now[d.key],
    previous: previous ? previous[d.key] : null,
  }));
  return view;
}

export function indicatorRoutes(deps: ApiDeps): AnyRoute[] {
  return [
    route({
      method: 'get',
      path: '/indicators',
      operationId: 'getIndicators',
      summary:
        'Steering indicators over a period: requests by type, category, channel, commune and authority; delays ' +
        '(median, 90th percentile) against service levels; backlog; bot; callbacks; interventions; trend',
      description: DESCRIPTION,
      tag: 'indicators',
      minRole: 'supervisor',
      query: IndicatorsQuery,
      response: IndicatorsViewSchema,
      handle: ({ query, principal }) => compute(deps, principal, query),
    }),
    route({
      method: 'get',
      path: '/indicators/export.csv',
      operationId: 'exportIndicators',
      summary: 'The same indicators as a CSV file for French spreadsheets (";", UTF-8 with BOM)',
      description: `${DESCRIPTION} Durations in hours, rates in percent, every row labelled in French.`,
      tag: 'indicators',
      minRole: 'supervisor',
      query: IndicatorsQuery,
      response: { stream: 'text/csv' },
      async handle({ query, principal, res }) {
        const view = await compute(deps, principal, query);
        const rows = csvRows(view, view.previous, headlineOf(view)).map((r) => r.map(neutralise));
        const csv = stringify(rows, { delimiter: ';', bom: true, record_delimiter: 'windows' });
        // The file is named after the period's first and last days, in the territory's time zone.
        const day = (iso: string, back = 0) =>
          DateTime.fromMillis(Date.parse(iso) - back, { zone: view.timeZone }).toISODate();
        res
          .status(200)
          .set({
            'Content-Type': 'text/csv; charset=utf-8',
            'Content-Disposition': `attachment; filename="indicateurs-${day(view.from)}-${day(view.to, 1)}.csv"`,
            'Cache-Control': 'no-store',
          })
          .send(csv);
      },
    }),
  ];
}
