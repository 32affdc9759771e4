// What people read of an indicators view: French labels on every breakdown (never an id; "Non renseignée"
// for a request without a commune), the territory's actors grouped by kind, the breakdowns a reader may see,
// and the CSV export (French spreadsheets: ";", decimal commas, durations in hours).
import type { Territory } from '../../knowledge/territory';
import type { IndicatorsHeadline, IndicatorsView } from '../schemas';
import type { VocabularyView } from '../vocabulary';
import {
  AGEING_BUCKETS,
  AUTHORITY_KIND_LABELS,
  CONVERSATION_CSAT_LABEL,
  bucketLabel,
  DEFINITIONS,
  NO_COMMUNE_LABEL,
  NO_TEAM_LABEL,
  type Unit,
} from './definitions';

type Row = { key: string; count: number; label?: string };
const labelled = (rows: Row[], label: (key: string) => string | undefined): Row[] =>
  rows.map((r) => ({ ...r, label: r.label ?? label(r.key) ?? r.key }));

/** "2026-W11" → "Semaine 11 (2026)". */
const weekLabel = (key: string) => {
  const m = /^(\d{4})-W(\d{2})$/.exec(key);
  return m ? `Semaine ${Number(m[2])} (${m[1]})` : key;
};

export function labelView(
  view: IndicatorsView,
  v: VocabularyView,
  territory: Territory | undefined,
): IndicatorsView {
  const kinds = new Map((territory?.authorities ?? []).map((a) => [a.id, a.kind]));
  const byKind = new Map<string, number>();
  for (const r of view.requests.byAuthority) {
    const kind = kinds.get(r.key) ?? 'partner';
    byKind.set(kind, (byKind.get(kind) ?? 0) + r.count);
  }
  const category = (key: string) => v.categories[key] ?? v.requestTypes[key];
  return {
    ...view,
    requests: {
      ...view.requests,
      byType: labelled(view.requests.byType, (k) => v.requestTypes[k]),
      byCategory: labelled(view.requests.byCategory, category),
      byChannel: labelled(view.requests.byChannel, (k) => v.channels[k]),
      byCommune: labelled(view.requests.byCommune, (k) =>
        k === 'unknown' ? NO_COMMUNE_LABEL : v.communes[k],
      ),
      byAuthority: labelled(view.requests.byAuthority, (k) => v.authorities[k]),
      byAuthorityKind: [...byKind]
        .map(([key, count]) => ({ key, count, label: AUTHORITY_KIND_LABELS[key] ?? key }))
        .sort((a, b) => b.count - a.count),
      byWeek: labelled(view.requests.byWeek, weekLabel),
      byStatus: labelled(view.requests.byStatus, (k) => v.statuses[k]),
    },
    delays: {
      ...view.delays,
      byServiceLevel: view.delays.byServiceLevel.map((l) => ({ ...l, label: category(l.key) ?? l.key })),
    },
    backlog: {
      ...view.backlog,
      ageing: labelled(view.backlog.ageing, (k) => AGEING_BUCKETS.find((b) => b.key === k)?.label),
    },
    conversations: {
      ...view.conversations,
      byChannel: labelled(view.conversations.byChannel, (k) => v.channels[k]),
    },
    interventions: {
      ...view.interventions,
      byTeam: labelled(view.interventions.byTeam, (k) => (k === 'none' ? NO_TEAM_LABEL : v.teams[k])),
    },
    satisfaction: {
      ...view.satisfaction,
      byChannel: csatLabelled(view.satisfaction.byChannel, (k) => v.channels[k]),
      byType: csatLabelled(view.satisfaction.byType, (k) =>
        k === 'conversation' ? CONVERSATION_CSAT_LABEL : v.requestTypes[k],
      ),
      byTeam: csatLabelled(view.satisfaction.byTeam, (k) => (k === 'none' ? NO_TEAM_LABEL : v.teams[k])),
    },
    trend: {
      ...view.trend,
      buckets: view.trend.buckets.map((b) => ({ ...b, label: bucketLabel(b.key, view.trend.granularity) })),
    },
  };
}

type CsatRow = IndicatorsView['satisfaction']['byChannel'][number];
const csatLabelled = (rows: CsatRow[], label: (key: string) => string | undefined): CsatRow[] =>
  rows.map((r) => ({ ...r, label: r.label ?? label(r.key) ?? r.key }));

/** A commune or a partner reading the territory sees its aggregates, not the other actors' own figures. */
export function withoutOtherActors(view: IndicatorsView): IndicatorsView {
  return {
    ...view,
    requests: { ...view.requests, byCommune: [], byAuthority: [] },
    interventions: { ...view.interventions, byTeam: [] },
    satisfaction: { ...view.satisfaction, byTeam: [] },
  };
}

const decimal = (n: number, digits: number) => n.toFixed(digits).replace('.', ',');

/** A figure as a spreadsheet cell: durations in hours, rates in percent, empty when there is nothing to measure. */
export function cell(value: number | null, unit: Unit): string {
  if (value === null) return '';
  if (unit === 'seconds') return decimal(value / 3600, 1);
  if (unit === 'rate') return decimal(value * 100, 1);
  return String(value);
}

const UNIT_LABELS: Record<Unit, string> = { count: 'nombre', seconds: 'heures', rate: '%' };

/** The export's rows: headline figures against the previous period, then every breakdown with its labels. */
export function csvRows(
  view: IndicatorsView,
  previous: IndicatorsHeadline | undefined,
  current: IndicatorsHeadline,
) {
  const rows: string[][] = [
    ['Rubrique', 'Indicateur', 'Valeur', 'Unité', 'Période précédente', 'Définition'],
  ];
  for (const d of DEFINITIONS) {
    rows.push([
      'Synthèse',
      d.label,
      cell(current[d.key], d.unit),
      UNIT_LABELS[d.unit],
      previous ? cell(previous[d.key], d.unit) : '',
      d.counts,
    ]);
  }
  const section = (name: string, list: Row[] | undefined, unit = 'demandes') => {
    for (const r of list ?? []) rows.push([name, r.label ?? r.key, String(r.count), unit, '', '']);
  };
  section('Par type', view.requests.byType);
  section('Par catégorie', view.requests.byCategory);
  section('Par canal', view.requests.byChannel);
  section('Par commune', view.requests.byCommune);
  section('Par autorité', view.requests.byAuthority);
  section('Par type d’acteur', view.requests.byAuthorityKind);
  section('Par statut', view.requests.byStatus);
  section('Attente par ancienneté', view.backlog.ageing);
  section('Conversations par canal', view.conversations.byChannel, 'conversations');
  section('Interventions par équipe', view.interventions.byTeam, 'interventions');
  const csat = (name: string, list: CsatRow[]) => {
    for (const r of list) {
      rows.push([name, `${r.label ?? r.key} — satisfaits (4 ou 5)`, cell(r.rate, 'rate'), '%', '', '']);
      rows.push([name, `${r.label ?? r.key} — réponses`, String(r.count), 'réponses', '', '']);
    }
  };
  csat('Satisfaction par canal', view.satisfaction.byChannel);
  csat('Satisfaction par service', view.satisfaction.byType);
  csat('Satisfaction par équipe', view.satisfaction.byTeam);
  for (const l of view.delays.byServiceLevel) {
    const name = `Délai de traitement : ${l.label ?? l.key} (${l.days} j)`;
    rows.push([name, 'Délai médian de résolution', cell(l.resolution.median, 'seconds'), 'heures', '', '']);
    rows.push([name, 'Résolues dans le délai', cell(l.rate, 'rate'), '%', '', '']);
  }
  for (const b of view.trend.buckets) {
    const name = b.label ?? b.key;
    rows.push(['Évolution', `${name} — demandes`, String(b.requests), 'demandes', '', '']);
    rows.push(['Évolution', `${name} — conversations`, String(b.conversations), 'conversations', '', '']);
  }
  return rows;
}
