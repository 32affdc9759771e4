// Times of day → HH:MM ("à 14h", "14h30", "14:30", "2pm", "midi").
import { overlaps, type Span } from './spans';

export interface TimeHit extends Span {
  value: string;
  text: string;
}

const pad = (n: number): string => String(n).padStart(2, '0');

const FRENCH = /(?<![\d:.,/])([01]?\d|2[0-3])\s*(?:h|heures?|:)\s*([0-5]\d)?(?![\d\p{L}])/giu;
const ENGLISH = /(?<![\d:.,/])(1[0-2]|0?[1-9])(?::([0-5]\d))?\s*(am|pm|a\.m\.|p\.m\.)(?!\p{L})/giu;
const NAMED = /\b(?<!apres[\s-])(midi|minuit|noon|midnight)\b/giu;

/** `folded` is the lowercase, accent-free text (same positions as the original for these patterns). */
export function findTimes(folded: string, exclude: readonly Span[]): TimeHit[] {
  const hits: TimeHit[] = [];
  if (!/\d|midi|minuit|noon|midnight/.test(folded)) return hits;
  const push = (start: number, text: string, value: string): void => {
    const span = { start, end: start + text.length };
    if (overlaps(span, exclude) || overlaps(span, hits)) return;
    hits.push({ ...span, value, text });
  };
  for (const m of folded.matchAll(ENGLISH)) {
    let hour = Number(m[1]) % 12;
    if ((m[3] ?? '').startsWith('p')) hour += 12;
    push(m.index ?? 0, m[0], `${pad(hour)}:${pad(Number(m[2] ?? 0))}`);
  }
  for (const m of folded.matchAll(FRENCH)) {
    // "14:30" needs minutes; a bare "14" followed by ":" is not a time.
    if (m[0].includes(':') && m[2] === undefined) continue;
    push(m.index ?? 0, m[0], `${pad(Number(m[1]))}:${pad(Number(m[2] ?? 0))}`);
  }
  for (const m of folded.matchAll(NAMED)) {
    const word = (m[1] ?? '').toLowerCase();
    push(m.index ?? 0, m[0], word === 'midi' || word === 'noon' ? '12:00' : '00:00');
  }
  return hits.sort((a, b) => a.start - b.start);
}
