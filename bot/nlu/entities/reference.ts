// Request references (bot/references.ts), tolerant to case, spaces and separators as people type them:
// "dem 2026 7k3m9p", "DEM-2026-7K3-M9P", and the old counter-made ones "dem 2026 000123", "2026-000123".
import { REFERENCE_ALPHABET } from '../../references';
import type { Span } from './spans';

const SEP = '[\\s._\\-/#:]*';
const CHAR = `[${REFERENCE_ALPHABET}${REFERENCE_ALPHABET.toLowerCase()}]`;
/** Six code characters, possibly split by one separator ("7K3 M9P", "7K3-M9P"). */
const CODE = `(${CHAR}{3}[\\s.\\-]?${CHAR}{3})`;
const WITH_PREFIX = new RegExp(
  `\\bdem${SEP}(20\\d{2})[\\s._\\-/]*(?:${CODE}(?![\\w])|(\\d{1,6})(?!\\d))`,
  'gi',
);
// Without the prefix only a distinctive shape counts: a year then six digits, or six code characters with at
// least one digit (so "2026 street" is not a reference).
const BARE = new RegExp(
  `(?<![\\w-])(20\\d{2})[-\\s](?:(\\d{6})(?!\\d)|(?=${CHAR}*\\d)(${CHAR}{6})(?![\\w]))`,
  'g',
);

export interface ReferenceHit extends Span {
  value: string;
  text: string;
}

function canonical(year: string, code: string | undefined, digits: string | undefined): string | null {
  if (code) return `DEM-${year}-${code.replace(/[\s.-]/g, '').toUpperCase()}`;
  if (digits) return `DEM-${year}-${digits.padStart(6, '0')}`;
  return null;
}

export function findReferences(text: string): ReferenceHit[] {
  const hits: ReferenceHit[] = [];
  if (!/20\d{2}/.test(text)) return hits;
  const add = (m: RegExpMatchArray, value: string | null) => {
    const start = m.index ?? 0;
    const end = start + m[0].length;
    if (!value || hits.some((h) => start < h.end && h.start < end)) return;
    hits.push({ value, text: m[0], start, end });
  };
  for (const m of text.matchAll(WITH_PREFIX)) add(m, canonical(m[1] ?? '', m[2], m[3]));
  for (const m of text.matchAll(BARE)) add(m, canonical(m[1] ?? '', m[3], m[2]));
  return hits.sort((a, b) => a.start - b.start);
}
