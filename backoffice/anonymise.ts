// RGPD erasure of a request payload: the request stays (legal follow-up, statistics) without what
// identifies the person. Known types keep their non-personal fields; unknown types keep only fields
// known to be harmless. Free text that must stay (an incident's description) loses phone numbers and e-mails.
import type { PayloadAnonymiser } from './ports';
import { prototypeless } from '../bot/prototypeless';

const PHONE = /(?:(?:\+|00)\d{1,3}[\s.-]?|\b0)[1-9](?:[\s.-]?\d{2}){4}\b|\+\d{8,15}\b/g;
const EMAIL = /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g;
const scrub = (text: string): string => text.replace(EMAIL, '[email]').replace(PHONE, '[téléphone]');

/** Per request type: the payload fields kept, and whether the request's location is personal. */
const RULES = prototypeless<{ keep: string[]; keepLocation: boolean; scrubbed?: string[] }>({
  // The place of a pothole is public space, not personal data; the photo may show people.
  report_incident: {
    keep: ['category', 'description', 'address', 'geocoding'],
    keepLocation: true,
    scrubbed: ['description'],
  },
  // A child's name, birth date and home address are personal; the level and school are not.
  school_registration: { keep: ['level', 'school', 'documents'], keepLocation: false },
  library_registration: { keep: ['pricing', 'documents'], keepLocation: false },
});
const DEFAULT_KEEP = ['category', 'level', 'school', 'pricing', 'documents', 'geocoding'];

export const anonymisePayload: PayloadAnonymiser = ({ type, payload }) => {
  const rule = RULES[type] ?? { keep: DEFAULT_KEEP, keepLocation: false };
  const kept: Record<string, unknown> = {};
  for (const key of rule.keep) {
    if (!(key in payload)) continue;
    const value = payload[key];
    kept[key] = rule.scrubbed?.includes(key) && typeof value === 'string' ? scrub(value) : value;
  }
  // How many people a library registration was for stays useful; their names do not.
  if (type === 'library_registration' && Array.isArray(payload.adherents))
    kept.adherentCount = payload.adherents.length;
  return { payload: { ...kept, anonymised: true }, keepLocation: rule.keepLocation };
};
