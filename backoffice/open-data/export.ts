// The open-data files of a territory: requests-daily and satisfaction as CSV and JSON, each described by a
// Table Schema (Frictionless Data, https://specs.frictionlessdata.io/table-schema/), in a Data Package under the
// Licence Ouverte 2.0 (Etalab). The URLs are stable: /open-data/{territoire}/requests-daily.csv and siblings.
import type { DailyRow, OpenDataSnapshot } from './dataset';

export const LICENCE = {
  name: 'etalab-2.0',
  title: 'Licence Ouverte / Open Licence version 2.0',
  path: 'https://www.etalab.gouv.fr/licence-ouverte-open-licence/',
} as const;

export const DATASET = 'requests-daily';
export const SATISFACTION_DATASET = 'satisfaction';

type Field<Row = DailyRow> = {
  name: keyof Row;
  title: string;
  type: 'string' | 'date' | 'integer' | 'number' | 'boolean';
  description: string;
  constraints?: Record<string, unknown>;
};

function fields(k: number): Field[] {
  return [
    {
      name: 'date',
      title: 'Date',
      type: 'date',
      description: 'Jour de dépôt des demandes (heure locale du territoire).',
    },
    {
      name: 'type_demande',
      title: 'Type de demande',
      type: 'string',
      description: 'Identifiant du service public (report_incident : signalement sur l’espace public, …).',
    },
    {
      name: 'categorie',
      title: 'Catégorie',
      type: 'string',
      description:
        'Catégorie du signalement (eclairage, voirie, …) ; le type de demande quand il n’a pas de catégorie.',
    },
    {
      name: 'libelle_categorie',
      title: 'Libellé de la catégorie',
      type: 'string',
      description: 'La catégorie en clair.',
    },
    {
      name: 'commune',
      title: 'Commune (identifiant)',
      type: 'string',
      description:
        'Identifiant de la commune dans le territoire ; vide quand la demande n’est pas localisée.',
    },
    {
      name: 'code_insee',
      title: 'Code INSEE',
      type: 'string',
      description: 'Code officiel géographique de la commune ; vide quand elle est inconnue.',
      constraints: { pattern: '^(\\d{5}|2[AB]\\d{3})?$' },
    },
    {
      name: 'nom_commune',
      title: 'Commune',
      type: 'string',
      description: 'Nom de la commune, ou « Non localisée ».',
    },
    {
      name: 'canal',
      title: 'Canal',
      type: 'string',
      description: 'Canal de dépôt (webchat, sms, whatsapp, voice, desk, phone, open311, api, …).',
    },
    { name: 'libelle_canal', title: 'Libellé du canal', type: 'string', description: 'Le canal en clair.' },
    {
      name: 'demandes',
      title: 'Demandes',
      type: 'integer',
      description: `Nombre de demandes déposées. Vide sous secret statistique (moins de ${k}, ou masqué pour qu’un effectif masqué ne puisse pas être recalculé à partir des totaux).`,
      constraints: { minimum: k },
    },
    {
      name: 'resolues',
      title: 'Résolues',
      type: 'integer',
      description:
        'Parmi elles, celles résolues à la date de production du fichier. Vide sous secret statistique.',
      constraints: { minimum: 0 },
    },
    {
      name: 'delai_median_resolution_heures',
      title: 'Délai médian de résolution (heures)',
      type: 'number',
      description:
        'Médiane du délai entre le dépôt et la résolution des demandes résolues, en heures. Vide quand aucune ne l’est ou sous secret statistique.',
      constraints: { minimum: 0 },
    },
    {
      name: 'secret_statistique',
      title: 'Secret statistique',
      type: 'boolean',
      description: 'true quand les effectifs de la ligne ne sont pas publiés.',
    },
  ];
}

export function tableSchema(k: number): Record<string, unknown> {
  return {
    $schema: 'https://specs.frictionlessdata.io/schemas/table-schema.json',
    name: DATASET,
    title: 'Demandes des usagers par jour, catégorie, commune et canal',
    description:
      'Agrégats anonymes des demandes déposées auprès du territoire (assistant en ligne, SMS, téléphone, accueil…) sur les 12 derniers mois. ' +
      `Secret statistique : les effectifs inférieurs à ${k} ne sont pas publiés, ni ceux qui permettraient de les recalculer.`,
    fields: fields(k),
    missingValues: [''],
    primaryKey: ['date', 'type_demande', 'categorie', 'commune', 'canal'],
  };
}

const CSV_SPECIAL = /[",\r\n]/;
const csvValue = (v: string | number | boolean | null): string => {
  if (v === null) return '';
  const s = String(v);
  return CSV_SPECIAL.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

function csvOf<Row>(names: (keyof Row)[], rows: readonly Row[]): string {
  const lines = [names.join(',')];
  for (const row of rows)
    lines.push(names.map((n) => csvValue(row[n] as string | number | boolean | null)).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

export function toCsv(snapshot: OpenDataSnapshot): string {
  return csvOf(
    fields(snapshot.k).map((f) => f.name),
    snapshot.rows,
  );
}

/**
 * The satisfaction file: one line for the whole window, the figure the public page shows (no breakdown by month
 * or channel, so no hidden count can be recomputed by difference), empty under k answers.
 */
export interface SatisfactionRow {
  debut: string;
  fin: string;
  reponses: number | null;
  part_satisfaits: number | null;
  note_moyenne: number | null;
  secret_statistique: boolean;
}

function satisfactionFields(k: number): Field<SatisfactionRow>[] {
  return [
    {
      name: 'debut',
      title: 'Début',
      type: 'date',
      description: 'Premier jour de la période (heure du territoire).',
    },
    { name: 'fin', title: 'Fin', type: 'date', description: 'Dernier jour de la période (inclus).' },
    {
      name: 'reponses',
      title: 'Réponses',
      type: 'integer',
      description: `Réponses des usagers à la question de satisfaction (note de 1 à 5) ; vide sous ${k} réponses.`,
      constraints: { minimum: k },
    },
    {
      name: 'part_satisfaits',
      title: 'Part des usagers satisfaits',
      type: 'number',
      description: 'Part des réponses de 4 ou 5 sur 5, entre 0 et 1 (arrondie à 0,001).',
      constraints: { minimum: 0, maximum: 1 },
    },
    {
      name: 'note_moyenne',
      title: 'Note moyenne',
      type: 'number',
      description: 'Moyenne des notes, de 1 à 5 (arrondie à 0,01).',
      constraints: { minimum: 1, maximum: 5 },
    },
    {
      name: 'secret_statistique',
      title: 'Secret statistique',
      type: 'boolean',
      description: `true quand il y a moins de ${k} réponses : rien n’est publié.`,
    },
  ];
}

export function satisfactionRows(snapshot: OpenDataSnapshot): SatisfactionRow[] {
  const { answered, satisfiedShare, mean } = snapshot.satisfaction;
  const round = (v: number | null, digits: number) => (v === null ? null : Number(v.toFixed(digits)));
  return [
    {
      debut: snapshot.fromDay,
      fin: snapshot.toDay,
      reponses: answered,
      part_satisfaits: round(satisfiedShare, 3),
      note_moyenne: round(mean, 2),
      secret_statistique: answered === null,
    },
  ];
}

export function satisfactionSchema(k: number): Record<string, unknown> {
  return {
    $schema: 'https://specs.frictionlessdata.io/schemas/table-schema.json',
    name: SATISFACTION_DATASET,
    title: 'Satisfaction des usagers sur les 12 derniers mois',
    description:
      'Après une demande traitée ou un échange avec un agent, l’usager est invité à noter le service de 1 à 5 sur son canal. ' +
      `Secret statistique : rien n’est publié sous ${k} réponses.`,
    fields: satisfactionFields(k),
    missingValues: [''],
    primaryKey: ['debut', 'fin'],
  };
}

export function satisfactionCsv(snapshot: OpenDataSnapshot): string {
  return csvOf(
    satisfactionFields(snapshot.k).map((f) => f.name),
    satisfactionRows(snapshot),
  );
}

export function satisfactionJson(snapshot: OpenDataSnapshot): Record<string, unknown> {
  return {
    title: `Satisfaction des usagers — ${snapshot.territoryName}`,
    territory: snapshot.tenantId,
    licence: LICENCE,
    schema: `${SATISFACTION_DATASET}.schema.json`,
    generatedAt: snapshot.generatedAt,
    period: { from: snapshot.fromDay, to: snapshot.toDay, timeZone: snapshot.timeZone },
    kAnonymity: snapshot.k,
    data: satisfactionRows(snapshot),
  };
}

export function toJson(snapshot: OpenDataSnapshot): Record<string, unknown> {
  return {
    title: `Demandes des usagers — ${snapshot.territoryName}`,
    territory: snapshot.tenantId,
    licence: LICENCE,
    schema: `${DATASET}.schema.json`,
    generatedAt: snapshot.generatedAt,
    period: { from: snapshot.fromDay, to: snapshot.toDay, timeZone: snapshot.timeZone },
    kAnonymity: snapshot.k,
    data: snapshot.rows,
  };
}

/** A dataset's two files in the Data Package: CSV and JSON, one Table Schema. */
const resourcesOf = (dataset: string): Record<string, unknown>[] => [
  {
    name: dataset,
    path: `${dataset}.csv`,
    format: 'csv',
    mediatype: 'text/csv',
    encoding: 'utf-8',
    schema: `${dataset}.schema.json`,
  },
  {
    name: `${dataset}-json`,
    path: `${dataset}.json`,
    format: 'json',
    mediatype: 'application/json',
    schema: `${dataset}.schema.json`,
  },
];

export function dataPackage(snapshot: OpenDataSnapshot): Record<string, unknown> {
  return {
    name: `guichet-${snapshot.tenantId}-demandes`,
    title: `Demandes des usagers — ${snapshot.territoryName}`,
    description:
      'Agrégats quotidiens et anonymes des demandes des usagers, et satisfaction des usagers sur la période, ' +
      'avec secret statistique.',
    licenses: [LICENCE],
    created: snapshot.generatedAt,
    temporal: { start: snapshot.fromDay, end: snapshot.toDay },
    resources: [DATASET, SATISFACTION_DATASET].flatMap(resourcesOf),
  };
}

export function licenceText(snapshot: OpenDataSnapshot): string {
  return [
    `Données ouvertes de ${snapshot.territoryName}`,
    '',
    `Licence : ${LICENCE.title}`,
    LICENCE.path,
    '',
    'Vous pouvez réutiliser ces données librement, y compris commercialement, en mentionnant leur source',
    `(« ${snapshot.territoryName} — Guichet ») et la date de leur dernière mise à jour.`,
    '',
  ].join('\n');
}
