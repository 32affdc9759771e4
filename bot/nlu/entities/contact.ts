// Phone numbers (French mobile/landline → E.164) and e-mail addresses.
import type { Span } from './spans';

export interface ContactHit extends Span {
  value: string;
  text: string;
}

const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.[\p{L}]{2,}/gu;
// 0X XX XX XX XX, +33 X XX XX XX XX, 0033…, "+33 (0)6…", with spaces, dots or dashes.
const PHONE = /(?<![\d+])(?:(?:\+|00)\s?33\s?(?:\(0\)\s?)?|0)([1-9])((?:[\s.-]?\d{2}){4})(?!\d)/g;

export function findEmails(text: string): ContactHit[] {
  if (!text.includes('@')) return [];
  return [...text.matchAll(EMAIL)].map((m) => {
    const start = m.index ?? 0;
    return { value: m[0].toLowerCase().replace(/\.$/, ''), text: m[0], start, end: start + m[0].length };
  });
}

export function findPhones(text: string, exclude: readonly Span[]): ContactHit[] {
  const hits: ContactHit[] = [];
  if (!/\d\D?\d\D?\d/.test(text)) return hits;
  for (const m of text.matchAll(PHONE)) {
    const start = m.index ?? 0;
    const end = start + m[0].length;
    if (exclude.some((s) => start < s.end && s.start < end)) continue;
    const digits = `${m[1] ?? ''}${(m[2] ?? '').replace(/\D/g, '')}`;
    hits.push({ value: `+33${digits}`, text: m[0], start, end });
  }
  return hits;
}
