// What an agent's screen receives of a request: everything but the citizen's contact details, which are shown
// only on demand through GET /requests/{id}/contact, where each look is written to the audit log. The detail
// a form collected as `contact` (phone number or e-mail) is replaced by its kind, so the screen can say
// "a phone number was left" and offer the audited reveal.
import type { RequestView } from '../schemas';

type WithPayload = Pick<RequestView, 'payload'>;

/** The request without its contact details (kind kept); other fields untouched. */
export function withoutContact<T extends WithPayload>(view: T): T {
  const contact = view.payload.contact;
  if (contact === undefined || contact === null) return view;
  const kind =
    typeof contact === 'object' && typeof (contact as { kind?: unknown }).kind === 'string'
      ? (contact as { kind: string }).kind
      : 'unknown';
  return { ...view, payload: { ...view.payload, contact: { kind, hidden: true } } };
}

/** The same for a conversation detail or a page: each request in `items` / `requests`. */
export const withoutContacts = <T extends WithPayload>(views: readonly T[]): T[] => views.map(withoutContact);
