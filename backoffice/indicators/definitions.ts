// The steering indicators' one definition: what each figure counts, its French label, and how a period and
// its comparison are read. The SQL that computes them is adapters/postgres/backoffice/indicators.ts; the
// console, the CSV export and any public page (open data) label and explain them from here, so a figure means
// the same thing for a commune, the intercommunalité and a partner.
import { DateTime } from 'luxon';
import type { IndicatorsHeadline, IndicatorsView } from '../schemas';

/** Ages of the backlog, in whole days since the request was created, at the period's end. */
export const AGEING_BUCKETS = [
  { key: '0-7', maxDays: 7, label: 'Moins de 8 jours' },
  { key: '8-30', maxDays: 30, label: '8 à 30 jours' },
  { key: '31-90', maxDays: 90, label: '31 à 90 jours' },
  { key: '91+', maxDays: null, label: 'Plus de 90 jours' },
] as const;

/** The label of requests with no commune (reported without an address, or outside the territory). */
export const NO_COMMUNE_LABEL = 'Non renseignée';
export const NO_TEAM_LABEL = 'Sans équipe';
/** The "service" of a satisfaction answer given after an agent's conversation (no request). */
export const CONVERSATION_CSAT_LABEL = 'Échange avec un agent';

export const AUTHORITY_KIND_LABELS: Record<string, string> = {
  commune: 'Communes',
  intercommunalite: 'Intercommunalité',
  partner: 'Partenaires',
};

export type HeadlineKey = Exclude<keyof IndicatorsHeadline, 'from' | 'to'>;
export type Unit = 'count' | 'seconds' | 'rate';

export interface Definition {
  key: HeadlineKey;
  label: string;
  unit: Unit;
  /** What it counts, in one sentence (the console's help, the CSV's and the documentation's). */
  counts: string;
  /** Whether a rise is good news (colours and words of the comparison), or neither. */
  better: 'up' | 'down' | 'neither';
}

/** The headline figures, in the order the dashboard and the CSV show them. */
export const DEFINITIONS: readonly Definition[] = [
  {
    key: 'requests',
    label: 'Demandes reçues',
    unit: 'count',
    counts: 'Demandes créées pendant la période, tous canaux.',
    better: 'neither',
  },
  {
    key: 'firstResponseMedian',
    label: 'Délai médian de première réponse',
    unit: 'seconds',
    counts: 'De la création au premier changement d’état (la demande quitte « Reçue »).',
    better: 'down',
  },
  {
    key: 'assignmentMedian',
    label: 'Délai médian d’attribution',
    unit: 'seconds',
    counts:
      'De la création à la première attribution à un agent (le routage vers une équipe n’en est pas une).',
    better: 'down',
  },
  {
    key: 'resolutionMedian',
    label: 'Délai médian de résolution',
    unit: 'seconds',
    counts: 'De la création à la résolution, pour les demandes de la période résolues.',
    better: 'down',
  },
  {
    key: 'resolutionP90',
    label: 'Délai de résolution (9 demandes sur 10)',
    unit: 'seconds',
    counts: '90e centile du délai de résolution.',
    better: 'down',
  },
  {
    key: 'inTimeRate',
    label: 'Résolues dans le délai',
    unit: 'rate',
    counts:
      'Part des demandes de la période ayant un délai de traitement, résolues ou arrivées à échéance, résolues dans ce délai.',
    better: 'up',
  },
  {
    key: 'backlog',
    label: 'Demandes en attente en fin de période',
    unit: 'count',
    counts: 'Demandes créées avant la fin de la période, ni résolues ni rejetées à cette date.',
    better: 'down',
  },
  {
    key: 'containmentRate',
    label: 'Conversations traitées par l’assistant seul',
    unit: 'rate',
    counts: 'Part des conversations jamais transférées à un agent.',
    better: 'up',
  },
  {
    key: 'handoverRate',
    label: 'Taux de transfert à un agent',
    unit: 'rate',
    counts: 'Part des conversations transférées à la file des agents.',
    better: 'neither',
  },
  {
    key: 'agentWaitMedian',
    label: 'Attente médiane d’un agent',
    unit: 'seconds',
    counts: 'Du transfert au premier message d’un agent.',
    better: 'down',
  },
  {
    key: 'callbacksKeptRate',
    label: 'Rappels tenus',
    unit: 'rate',
    counts: 'Part des rappels promis pendant la période, faits avant l’heure promise.',
    better: 'up',
  },
  {
    key: 'interventionsDone',
    label: 'Interventions réalisées',
    unit: 'count',
    counts: 'Interventions terminées pendant la période.',
    better: 'neither',
  },
  {
    key: 'satisfactionRate',
    label: 'Citoyens satisfaits',
    unit: 'rate',
    counts:
      'Part des réponses 4 ou 5 (sur 5) à la question de satisfaction posée après une demande résolue ou un échange avec un agent.',
    better: 'up',
  },
];

/** The headline figures of a view, the comparison's unit. */
export function headlineOf(view: IndicatorsView): IndicatorsHeadline {
  return {
    from: view.from,
    to: view.to,
    requests: view.requests.total,
    firstResponseMedian: view.delays.firstResponse.median,
    assignmentMedian: view.delays.assignment.median,
    resolutionMedian: view.delays.resolution.median,
    resolutionP90: view.delays.resolution.p90,
    inTimeRate: view.delays.inTime.rate,
    backlog: view.backlog.open,
    containmentRate: view.conversations.containmentRate,
    handoverRate: view.conversations.handoverRate,
    agentWaitMedian: view.conversations.agentWait.median,
    callbacksKeptRate: view.callbacks.rate,
    interventionsDone: view.interventions.done,
    satisfactionRate: view.satisfaction.rate,
  };
}

const DAY_MS = 86_400_000;

/**
 * A period bound: an instant as given, or a day ("2026-03-01") read as its first instant in the time zone (so
 * March is [2026-03-01, 2026-04-01) in Paris, 23:00Z to 22:00Z).
 */
export function boundOf(value: string, timeZone: string): Date {
  if (value.length === 10) return DateTime.fromISO(value, { zone: timeZone }).startOf('day').toJSDate();
  return new Date(value);
}

/** The period just before [from, to): same length, ending where it starts. */
export function previousPeriod(from: Date, to: Date): { from: Date; to: Date } {
  return { from: new Date(from.getTime() - (to.getTime() - from.getTime())), to: from };
}

/** Months for periods longer than about four months, weeks otherwise. */
export function granularityFor(from: Date, to: Date): 'week' | 'month' {
  return to.getTime() - from.getTime() > 124 * DAY_MS ? 'month' : 'week';
}

const MONTHS = [
  'janv.',
  'févr.',
  'mars',
  'avr.',
  'mai',
  'juin',
  'juil.',
  'août',
  'sept.',
  'oct.',
  'nov.',
  'déc.',
];

/** "semaine du 2 mars 2026" / "mars 2026" for a trend bucket's first day. */
export function bucketLabel(key: string, granularity: 'week' | 'month'): string {
  const [y, m, d] = key.split('-').map(Number);
  const month = MONTHS[(m ?? 1) - 1]!;
  return granularity === 'month' ? `${month} ${y}` : `sem. du ${d} ${month} ${y}`;
}
