// Request references, one definition: DEM-<year>-<6 characters>. The characters are drawn at random from an
// alphabet without look-alikes (no 0/O, 1/I/L), so a reference reads well over the phone, types easily by SMS and
// cannot be guessed from another one (31^6 ≈ 887 million per year, against a sequence anyone could walk).
// References made before (DEM-2026-000123, from a counter) stay valid and recognised.
import { randomInt } from 'node:crypto';

export const REFERENCE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
const CODE_LENGTH = 6;
const CODE = `[${REFERENCE_ALPHABET}]{${CODE_LENGTH}}`;
/** The serial of an old, counter-made reference. */
const LEGACY = '\\d{6,}';

/** A whole canonical reference (API parameters, database values). */
export const REFERENCE_PATTERN = new RegExp(`^DEM-\\d{4}-(?:${LEGACY}|${CODE})$`);

/** Canonical references inside a text (the language model's redaction and grounding). */
export const referencesInText = (): RegExp => new RegExp(`\\bDEM-\\d{4}-(?:${LEGACY}|${CODE})\\b`, 'giu');

/** A new reference for a request created in `year` (the territory's calendar year). */
export function newReference(year: string): string {
  let code = '';
  for (let i = 0; i < CODE_LENGTH; i++) code += REFERENCE_ALPHABET[randomInt(REFERENCE_ALPHABET.length)];
  return `DEM-${year}-${code}`;
}

/** What a reference looks like, for the messages that ask for one. */
export const REFERENCE_EXAMPLE = 'DEM-2026-7K3M9P';

export const isReference = (value: string): boolean => REFERENCE_PATTERN.test(value);
