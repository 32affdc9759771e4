// Plain numbers ("2 enfants", "deux enfants") not already part of another entity.
import { overlaps, type Span } from './spans';
import { prototypeless } from '../../prototypeless';

const WORDS = prototypeless<number>({
  deux: 2,
  trois: 3,
  quatre: 4,
  cinq: 5,
  six: 6,
  sept: 7,
  huit: 8,
  dix: 10,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
});

export interface NumberHit extends Span {
  value: string;
  text: string;
}

export function findNumbers(folded: string, exclude: readonly Span[]): NumberHit[] {
  const hits: NumberHit[] = [];
  if (!/\d|deux|trois|quatre|cinq|six|sept|huit|dix|two|three|four|five|seven|eight|nine|ten/.test(folded))
    return hits;
  for (const m of folded.matchAll(
    /(?<![\p{L}\d])(\d{1,9}(?:[.,]\d+)?|deux|trois|quatre|cinq|six|sept|huit|dix|two|three|four|five|seven|eight|nine|ten)(?![\p{L}\d])/gu,
  )) {
    const text = m[1] ?? '';
    const start = m.index ?? 0;
    const span = { start, end: start + text.length };
    if (overlaps(span, exclude)) continue;
    const word = WORDS[text];
    hits.push({ ...span, text, value: word !== undefined ? String(word) : text.replace(',', '.') });
  }
  return hits;
}
