// Character spans found in the original text, so that later extractors can ignore what an earlier
// one consumed (a phone number is not a date, a house number is not a day of the month).

export interface Span {
  start: number;
  end: number;
}

export function overlaps(a: Span, spans: readonly Span[]): boolean {
  return spans.some((s) => a.start < s.end && s.start < a.end);
}

/** The text with the given spans blanked out (same length, so positions stay valid). */
export function mask(text: string, spans: readonly Span[]): string {
  let out = text;
  for (const s of spans) out = out.slice(0, s.start) + ' '.repeat(s.end - s.start) + out.slice(s.end);
  return out;
}
