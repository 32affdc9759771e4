// What of a request payload survives the retention period. The per-type rules are the back office's
// (the same as an erasure on request: backoffice/anonymise.ts), so a request looks the same whichever
// way it was anonymised. Free text the citizen typed (an incident's description) can name people: both drop it
// (the filter below stays as a guard should a rule ever keep a free-text field).
import { anonymisePayload as erasureRules } from '../../backoffice/anonymise';

export interface AnonymisedPayload {
  payload: Record<string, unknown>;
  /** The request's location may stay (a pothole's place) or must go (a child's home address). */
  keepLocation: boolean;
}

/** Marks a payload already anonymised (the back office sets it too), so the job never rewrites it twice. */
export const ANONYMISED_MARK = 'anonymised';

const FREE_TEXT = ['description'];

export function anonymisePayload(request: {
  type: string;
  payload: Record<string, unknown>;
}): AnonymisedPayload {
  const result = erasureRules(request);
  const payload = Object.fromEntries(
    Object.entries(result.payload).filter(([key]) => !FREE_TEXT.includes(key)),
  );
  return { payload: { ...payload, [ANONYMISED_MARK]: true }, keepLocation: result.keepLocation };
}
