// The lexicon and reference matches of a message, in a module of their own so that the engine and the
// entity extractors can both name them without importing each other (no import cycle).
import type { PhraseHit } from './lexicon';
import type { ReferenceHit } from './entities/reference';
import type { FacilityKind, IncidentCategory } from './types';

/** Lexicon and reference matches of a message, computed once for the classifier and the entities. */
export interface LexicalHits {
  facilities: PhraseHit<FacilityKind>[];
  weakFacilities: PhraseHit<FacilityKind>[];
  categories: PhraseHit<IncidentCategory>[];
  references: ReferenceHit[];
}
