// Phone numbers as citizens write them ("06 12 34 56 78", "+33 6…", "0033 6…") read with libphonenumber-js,
// French numbers by default: one E.164 form to store and send to, one national form to show or say to people.
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { parsePhoneNumberFromString as parseWithTypes } from 'libphonenumber-js/max';

/** +33612345678 for "06 12 34 56 78"; undefined when it is not a possible number. */
export function toE164(phone: string): string | undefined {
  const parsed = parsePhoneNumberFromString(phone, 'FR');
  return parsed?.isPossible() ? parsed.number : undefined;
}

/** "06 12 34 56 78" for a French number, "+44 20 7946 0958" for another; the raw text when unreadable. */
export function phoneForPeople(phone: string): string {
  const parsed = parsePhoneNumberFromString(phone, 'FR');
  if (!parsed) return phone;
  return parsed.country === 'FR' ? parsed.formatNational() : parsed.formatInternational();
}

/** A number an SMS can reach: a mobile (or a number the numbering plan does not tell from a mobile). */
export function receivesSms(phone: string): boolean {
  const type = parseWithTypes(phone, 'FR')?.getType();
  return type === 'MOBILE' || type === 'FIXED_LINE_OR_MOBILE';
}
