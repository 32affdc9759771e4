// The territory's public figures for the last 12 months, built once from the store's aggregates: the daily
// table of the open-data export (with statistical secrecy applied) and the totals the public page shows. Both
// come from the same cells and the same suppression, so nothing hidden in one can be recomputed from the other.
import type { Territory } from '../../knowledge/territory';
import type { VocabularyView } from '../vocabulary';
import type { DailyCell, OpenDataStore, OpenDataWindow } from './ports';
import { suppressSmallCounts, type GroupKey } from './suppression';

/** One line of requests-daily.csv / .json (French column names: the dataset is for French reusers). */
export interface DailyRow {
  date: string;
  type_demande: string;
  categorie: string;
  libelle_categorie: string;
  commune: string;
  code_insee: string;
  nom_commune: string;
  canal: string;
  libelle_canal: string;
  /** null when the cell is under statistical secrecy. */
  demandes: number | null;
  resolues: number | null;
  delai_median_resolution_heures: number | null;
  secret_statistique: boolean;
}

export interface Total {
  key: string;
  label: string;
  /** null: fewer than k, not published. */
  requests: number | null;
  resolved: number | null;
  medianResolutionHours: number | null;
}

export interface OpenDataSnapshot {
  tenantId: string;
  territoryName: string;
  generatedAt: string;
  timeZone: string;
  fromDay: string;
  toDay: string;
  k: number;
  rows: DailyRow[];
  total: Total;
  byCategory: Total[];
  byCommune: Total[];
  byMonth: Total[];
  /**
   * Citizen satisfaction over the window, published only from k answers (below: `answered` null, like a hidden
   * count); one figure, no breakdown, so nothing to recompute by difference.
   */
  satisfaction: { answered: number | null; satisfiedShare: number | null; mean: number | null };
}

const DAY_MS = 24 * 3600 * 1000;
/** The last 12 months: the 365 full days before today. */
export const WINDOW_DAYS = 365;

// The formatters are built once (per time zone for days): building one costs about as much as a territory's
// rows, and the daily job builds the snapshot of every territory of a platform on the turns' event loop.
const dayFormats = new Map<string, Intl.DateTimeFormat>();

/** YYYY-MM-DD of an instant in a time zone. */
export function dayIn(instant: Date, timeZone: string): string {
  let format = dayFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    dayFormats.set(timeZone, format);
  }
  return format.format(instant);
}

const addDays = (day: string, days: number): string =>
  new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

/** The window ending yesterday (a day is published once it is over), in the territory's time zone. */
export function windowOf(tenantId: string, timeZone: string, now: Date): OpenDataWindow {
  const today = dayIn(now, timeZone);
  return { tenantId, timeZone, fromDay: addDays(today, -WINDOW_DAYS), toDay: addDays(today, -1) };
}

const MONTH_FORMAT = new Intl.DateTimeFormat('fr-FR', { month: 'long', year: 'numeric', timeZone: 'UTC' });
const FRENCH = new Intl.Collator('fr');

/** "décembre 2026" for "2026-12". */
export const monthLabel = (month: string): string => MONTH_FORMAT.format(new Date(`${month}-01T00:00:00Z`));

const categoryKey = (c: { type: string; category: string | null }): string =>
  c.category ? `${c.type}:${c.category}` : c.type;
const NO_COMMUNE = 'non-localisee';
const communeKey = (c: { commune: string | null }): string => c.commune ?? NO_COMMUNE;

const monthKey = (c: { day: string }): string => c.day.slice(0, 7);

/** The totals the public page publishes (the grand total first): the dimensions of the suppression. */
const ALL = 0;
const CATEGORY = 1;
const COMMUNE = 2;
const MONTH = 3;
const PUBLISHED_TOTALS: GroupKey<DailyCell>[] = [() => 'all', categoryKey, communeKey, monthKey];

export async function buildSnapshot(options: {
  store: OpenDataStore;
  territory: Territory;
  vocabulary: VocabularyView;
  k: number;
  now: Date;
}): Promise<OpenDataSnapshot> {
  const { territory, vocabulary: v, k } = options;
  const window = windowOf(territory.id, territory.timeZone, options.now);
  const [cells, medians, rated] = await Promise.all([
    options.store.dailyCells(window),
    options.store.resolutionMedians(window),
    options.store.satisfaction(window),
  ]);
  const communes = new Map(territory.communes.map((c) => [c.id, c]));
  const categoryLabel = (c: { type: string; category: string | null }): string =>
    (c.category ? v.categories[`${c.type}:${c.category}`] : undefined) ?? v.requestTypes[c.type] ?? c.type;

  const suppression = suppressSmallCounts(cells, k, PUBLISHED_TOTALS);
  const rows: DailyRow[] = suppression.cells.map(({ cell, suppressed }) => {
    const commune = cell.commune ? communes.get(cell.commune) : undefined;
    return {
      date: cell.day,
      type_demande: cell.type,
      categorie: cell.category ?? cell.type,
      libelle_categorie: categoryLabel(cell),
      commune: cell.commune ?? '',
      code_insee: commune?.insee ?? '',
      nom_commune: commune?.name ?? (cell.commune ? cell.commune : 'Non localisée'),
      canal: cell.channel,
      libelle_canal: v.channels[cell.channel] ?? cell.channel,
      demandes: suppressed ? null : cell.requests,
      resolues: suppressed ? null : cell.resolved,
      delai_median_resolution_heures: suppressed ? null : cell.medianResolutionHours,
      secret_statistique: suppressed !== false,
    };
  });

  const totals = (dimension: number, label: (key: string, c: DailyCell) => string): Total[] => {
    const key = PUBLISHED_TOTALS[dimension]!;
    const sums = new Map<string, { label: string; requests: number; resolved: number }>();
    for (const c of cells) {
      const id = key(c);
      const sum = sums.get(id) ?? { label: label(id, c), requests: 0, resolved: 0 };
      sum.requests += c.requests;
      sum.resolved += c.resolved;
      sums.set(id, sum);
    }
    return [...sums.entries()].map(([id, s]) => {
      const published = suppression.totalPublished(dimension, id);
      return {
        key: id,
        label: s.label,
        requests: published ? s.requests : null,
        resolved: published ? s.resolved : null,
        medianResolutionHours: null,
      };
    });
  };
  const byCategory = totals(CATEGORY, (_id, c) => categoryLabel(c)).map((t) => {
    const median = medians.find(
      (m) => m.type !== null && categoryKey({ type: m.type, category: m.category }) === t.key,
    );
    // A median over fewer than k resolutions would describe a handful of people's requests: not published.
    return t.requests !== null && median && median.resolved >= k
      ? { ...t, medianResolutionHours: median.medianResolutionHours }
      : t;
  });
  const byCommune = totals(COMMUNE, (id) =>
    id === NO_COMMUNE ? 'Non localisée' : (communes.get(id)?.name ?? id),
  );
  const byMonth = totals(MONTH, (id) => monthLabel(id)).sort((a, b) => a.key.localeCompare(b.key));
  const all = totals(ALL, () => 'Toutes les demandes')[0] ?? {
    key: 'all',
    label: 'Toutes les demandes',
    requests: null,
    resolved: null,
    medianResolutionHours: null,
  };
  const overall = medians.find((m) => m.type === null);
  const byCount = (a: Total, b: Total) =>
    (b.requests ?? 0) - (a.requests ?? 0) || FRENCH.compare(a.label, b.label);
  return {
    tenantId: territory.id,
    territoryName: territory.name,
    generatedAt: options.now.toISOString(),
    timeZone: territory.timeZone,
    fromDay: window.fromDay,
    toDay: window.toDay,
    k,
    rows,
    total: {
      ...all,
      medianResolutionHours:
        all.requests !== null && overall && overall.resolved >= k ? overall.medianResolutionHours : null,
    },
    byCategory: byCategory.sort(byCount),
    byCommune: byCommune.sort(byCount),
    byMonth,
    satisfaction:
      rated.answered >= k && rated.answered > 0
        ? { answered: rated.answered, satisfiedShare: rated.satisfied / rated.answered, mean: rated.mean }
        : { answered: null, satisfiedShare: null, mean: null },
  };
}
