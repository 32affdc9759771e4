// Incident categories (canonical NLU labels) as citizens read them, and which ones a territory accepts.
import { phrase, type Phrase } from '../../bot/i18n';
import { INCIDENT_CATEGORIES, type IncidentCategory } from '../../bot/nlu/types';
import type { Territory } from '../../knowledge/territory';

export const CATEGORY_LABELS: Record<IncidentCategory, Phrase> = {
  voirie: phrase('Voirie (chaussée, trottoir, nid-de-poule)', 'Roads and pavements (potholes)'),
  eclairage: phrase('Éclairage public', 'Street lighting'),
  proprete: phrase('Propreté (déchets, dépôt sauvage)', 'Litter and fly-tipping'),
  graffiti: phrase('Graffiti, tag', 'Graffiti'),
  espaces_verts: phrase('Espaces verts (arbres, parcs)', 'Parks and trees'),
  signalisation: phrase('Signalisation (panneaux, feux)', 'Road signs and traffic lights'),
  eau: phrase('Eau (fuite, inondation)', 'Water (leak, flooding)'),
  mobilier_urbain: phrase('Mobilier urbain (banc, abribus)', 'Street furniture (bench, bus shelter)'),
};

export const isIncidentCategory = (v: unknown): v is IncidentCategory =>
  typeof v === 'string' && (INCIDENT_CATEGORIES as readonly string[]).includes(v);

/** The categories the territory's report_incident request type lists (all of them when it lists none). */
export function territoryCategories(territory: Territory): IncidentCategory[] {
  const listed = territory.requestTypes.find((r) => r.id === 'report_incident')?.categories;
  return listed && listed.length > 0 ? [...listed] : [...INCIDENT_CATEGORIES];
}
