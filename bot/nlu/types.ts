// The NLU contract: intent labels (core ones, and those the services' training files name), entity types
// (canonical labels of bot/nlu/eval/LABELS.md, plus time, address span, commune, phone, email).
/** Intents the engine itself relies on: small talk, hand-over to a person, the knowledge base. */
export const CORE_INTENTS = ['knowledge', 'greeting', 'goodbye', 'help', 'cancel', 'human_agent'] as const;
export type CoreIntent = (typeof CORE_INTENTS)[number];

/**
 * An intent label. The set is not closed here: each public service declares its own (bot/intent-module.ts)
 * and the NLU learns every intent that has training files (bot/nlu/data/intents/<language>/<intent>.txt).
 */
export type Intent = CoreIntent | (string & {});

/** Intent labels are lower-case words joined by underscores: they name training files. */
export const INTENT_LABEL = /^[a-z][a-z0-9_]*$/;

/** The intents of the built-in training files, discovered from their names. */
export { INTENTS } from './intent-labels';

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
