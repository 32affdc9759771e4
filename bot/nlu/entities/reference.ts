// Request references DEM-YYYY-NNNNNN, tolerant to case, spaces and separators ("dem 2026 000123").
import type { Span } from './spans';

const WITH_PREFIX = /\bdem[\s._\-/#:]*(20\d{2})[\s._\-/]*(\d{1,6})(?!\d)/gi;
// Without the prefix only the full shape is distinctive enough ("2026-000123").
const BARE = /(?<![\d-])(20\d{2})[-\s](\d{6})(?!\d)/g;

export interface ReferenceHit extends Span {
  value: string;
  text: string;
}

export function findReferences(text: string): ReferenceHit[] {
  const hits: ReferenceHit[] = [];
  if (!/\d{4}/.test(text)) return hits;
  for (const re of [WITH_PREFIX, BARE]) {
    for (const m of text.matchAll(re)) {
      const start = m.index ?? 0;
      const end = start + m[0].length;
      if (hits.some((h) => start < h.end && h.start < end)) continue;
      const year = m[1] ?? '';
      const serial = (m[2] ?? '').padStart(6, '0');
      hits.push({ value: `DEM-${year}-${serial}`, text: m[0], start, end });
    }
  }
  return hits.sort((a, b) => a.start - b.start);
}
