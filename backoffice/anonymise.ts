// RGPD erasure of a request payload: the request stays (legal follow-up, statistics) without what
// identifies the person. Known types keep their non-personal fields; unknown types keep only fields
// known to be harmless. Free text never stays: no pattern finds every name a citizen may type ("devant chez
// Jean Dupont"), so an incident keeps its category and place, not its description.
import type { PayloadAnonymiser } from './ports';
import { prototypeless } from '../bot/prototypeless';

/** Per request type: the payload fields kept, and whether the request's location is personal. */
const RULES = prototypeless<{ keep: string[]; keepLocation: boolean }>({
  // The place of a pothole is public space, not personal data; the photo may show people.
  report_incident: { keep: ['category', 'address', 'geocoding'], keepLocation: true },
  // A child's name, birth date and home address are personal; the level and school are not.
  school_registration: { keep: ['level', 'school', 'documents'], keepLocation: false },
  // The tariff shared by all and the yearly total are the aggregate; `adherents` (each name with its own
  // tariff) names people and goes, leaving only how many they were.
  library_registration: { keep: ['pricing', 'total', 'documents'], keepLocation: false },
});
const DEFAULT_KEEP = ['category', 'level', 'school', 'pricing', 'documents', 'geocoding'];

export const anonymisePayload: PayloadAnonymiser = ({ type, payload }) => {
  const rule = RULES[type] ?? { keep: DEFAULT_KEEP, keepLocation: false };
  const kept: Record<string, unknown> = {};
  for (const key of rule.keep) {
    if (!(key in payload)) continue;
    kept[key] = payload[key];
  }
  // How many people a library registration was for stays useful; their names do not.
  if (type === 'library_registration' && Array.isArray(payload.adherents))
    kept.adherentCount = payload.adherents.length;
  return { payload: { ...kept, anonymised: true }, keepLocation: rule.keepLocation };
};

/** The request's place may be shown beyond the authority that handles it (a pothole's, not a child's home). */
export const placeIsPublic = (type: string): boolean => RULES[type]?.keepLocation ?? false;
