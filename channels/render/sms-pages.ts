// Paging instead of cutting. An SMS that ran past the segment budget used to be cut with "…", which cut
// what mattered (a menu's options, a facility's address, the summary the citizen was asked to confirm).
// Now long content is split into pages of at most the budget: lines are kept whole where they fit, a
// line longer than a page is split at sentence ends, then between words. Every page but the last ends
// with the instruction to ask for the next ("Répondez SUITE…"); the part the citizen must answer (the
// numbered menu and its instruction) is kept whole on the last page.
import { joinSizes, sizeFits, sizeOf, type SmsSize } from './gsm7';
import type { RenderLocale } from './plain';

const SEPARATOR = '\n';

/** Words that ask for the next page, compared without accents, case or punctuation ("+" included). */
const MORE_WORDS = new Set(['SUITE', 'LA SUITE', 'PLUS', '+', 'MORE', 'NEXT']);

/** True when the whole message asks for the next page ("SUITE", "suite", "Suite !", "+"). */
export function isMoreRequest(body: string): boolean {
  const k = body
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[^\p{L}\p{N}+ ]/gu, '')
    .replace(/\s+/g, ' ')
    .trim()
    .toUpperCase();
  return MORE_WORDS.has(k);
}

/** The line that ends a page with more to come. */
export const moreInstruction = (locale: RenderLocale): string =>
  locale === 'en' ? 'Reply MORE to read on.' : 'Répondez SUITE pour la suite.';

/** Whether a piece of this size fits (its text asked for only when the size cannot tell; see sizeFits). */
export type Fits = (size: SmsSize, text: () => string) => boolean;

const fitsText = (fits: Fits, text: string): boolean => fits(sizeOf(text), () => text);

/** Splits `text` into pieces that fit: at sentence ends, else between words, else anywhere. */
export function splitToFit(text: string, fits: Fits): string[] {
  if (fitsText(fits, text)) return [text];
  const sentences = text.split(/(?<=[^\d\s][.!?])\s+/u);
  if (sentences.length > 1) return pack(sentences, ' ', fits);
  const words = text.split(/\s+/u);
  if (words.length > 1) return pack(words, ' ', fits);
  // One unbreakable word longer than a page (a very long link): cut by characters (each kept, even one that
  // would not fit alone).
  const out: string[] = [];
  let current = '';
  let currentSize = sizeOf('');
  for (const ch of text) {
    const size = joinSizes(currentSize, sizeOf(ch));
    if (current && !fits(size, () => current + ch)) {
      out.push(current);
      current = ch;
      currentSize = sizeOf(ch);
    } else {
      current += ch;
      currentSize = size;
    }
  }
  if (current) out.push(current);
  return out;
}

/**
 * Greedy packing of `parts` joined by `joiner`; a part that does not fit alone is split further. Each part is
 * measured once and a candidate's size is the sum of its parts' (the pager used to measure every candidate
 * page whole: quadratic in its lines, and the main cost of rendering an SMS).
 */
function pack(parts: string[], joiner: string, fits: Fits): string[] {
  const joinerSize = sizeOf(joiner);
  const out: string[] = [];
  let current = '';
  let currentSize = sizeOf('');
  for (const whole of parts) {
    const wholeSize = sizeOf(whole);
    const pieces = fits(wholeSize, () => whole) ? [whole] : splitToFit(whole, fits);
    for (const part of pieces) {
      // A split may give one piece that is not the whole (its words joined again by single spaces).
      const size = part === whole ? wholeSize : sizeOf(part);
      const candidateSize = current ? joinSizes(currentSize, joinerSize, size) : size;
      const candidate = () => (current ? `${current}${joiner}${part}` : part);
      if (fits(candidateSize, candidate)) {
        current = candidate();
        currentSize = candidateSize;
      } else {
        if (current) out.push(current);
        current = part;
        currentSize = size;
      }
    }
  }
  if (current) out.push(current);
  return out;
}

/**
 * Pages of at most `budget` segments. `keep` (the menu to answer) ends the last page, whole when it fits
 * in a page on its own. `footer` ends every page but the last (empty: the pages are all sent at once).
 */
export function paginate(head: string, keep: string, budget: number, footer: string): string[] {
  const fitsLast: Fits = (size, text) => sizeFits(size, budget, text);
  const footerSize = joinSizes(sizeOf(SEPARATOR), sizeOf(footer));
  const fitsPage: Fits = footer
    ? (size, text) => sizeFits(joinSizes(size, footerSize), budget, () => `${text()}${SEPARATOR}${footer}`)
    : fitsLast;
  const whole = [head.trim(), keep.trim()].filter(Boolean).join(SEPARATOR);
  if (fitsText(fitsLast, whole)) return whole ? [whole] : [];

  let headLines = head.trim() ? head.trim().split(SEPARATOR) : [];
  let tail = keep.trim();
  if (tail && !fitsText(fitsLast, tail)) {
    // A menu longer than a page: paged like the rest, its instruction then ends the last page.
    headLines = [...headLines, ...tail.split(SEPARATOR)];
    tail = '';
  }
  const pages = pack(headLines, SEPARATOR, fitsPage);
  if (tail) {
    const last = pages.pop();
    const candidate = last ? `${last}${SEPARATOR}${tail}` : tail;
    if (fitsText(fitsLast, candidate)) pages.push(candidate);
    else pages.push(...(last ? [last] : []), tail);
  }
  return pages.map((p, i) => (i < pages.length - 1 && footer ? `${p}${SEPARATOR}${footer}` : p));
}
