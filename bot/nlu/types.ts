// The NLU contract: canonical labels of bot/nlu/eval/LABELS.md, plus the extra entity types the
// dialogue needs (time, address span, commune, phone, email).
export const INTENTS = [
  'opening_hours',
  'report_incident',
  'school_registration',
  'library_registration',
  'request_status',
  'human_agent',
  'knowledge',
  'greeting',
  'goodbye',
  'help',
  'cancel',
] as const;
export type Intent = (typeof INTENTS)[number];

export const FACILITIES = ['dechetterie', 'mairie', 'mediatheque', 'piscine'] as const;
export type FacilityKind = (typeof FACILITIES)[number];

export const INCIDENT_CATEGORIES = [
  'voirie',
  'eclairage',
  'proprete',
  'graffiti',
  'espaces_verts',
  'signalisation',
  'eau',
  'mobilier_urbain',
] as const;
export type IncidentCategory = (typeof INCIDENT_CATEGORIES)[number];

export type EntityType =
  | 'facility'
  | 'category'
  | 'reference'
  | 'date'
  | 'time'
  | 'address'
  | 'commune'
  | 'phone'
  | 'email'
  | 'number'
  | 'yes_no';

export interface Entity {
  type: EntityType;
  /** Canonical value: facility/category label, DEM-YYYY-NNNNNN, YYYY-MM-DD, HH:MM, 'yes'|'no', or the text span for addresses. */
  value: string;
  /** The span of the original text it came from. */
  text?: string;
}

export type Language = 'fr' | 'en';

export interface NluResult {
  intent: Intent;
  /** 0..1; below the engine's threshold the engine clarifies instead of guessing. */
  confidence: number;
  language: Language;
  entities: Entity[];
  /** Runner-up intent, useful for a clarifying question. */
  alternative?: { intent: Intent; confidence: number };
}

export interface AnalyzeOptions {
  /** Reference instant for relative dates ("demain", "samedi"). */
  now: Date;
  /** IANA time zone of the territory (dates resolved there). */
  timeZone: string;
  /** Territory-specific names (communes, facility names) recognised as entities when present. */
  vocabulary?: { communes?: { id: string; names: string[] }[] };
}

export interface Nlu {
  analyze(text: string, options: AnalyzeOptions): NluResult;
}
