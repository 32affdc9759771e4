// Neutral replies → SMS or WhatsApp bodies. SMS is billed per segment: the turn's replies become one
// message (order is guaranteed, unlike several <Message>s), transliterated to GSM-7 unless the territory
// opts out, with a week of hours compressed. Nothing the citizen needs is cut: content longer than the
// territory's segment budget is paged (sms-pages.ts, "Répondez SUITE"), the numbered menu to answer kept
// whole on the last page. The first-contact personal-data notice goes in a message of its own when it
// does not fit with the rest. WhatsApp keeps accents and emoji and may use several messages of up to
// 1,600 characters. The SMS a phone call sends cannot be paged on demand (no "SUITE" comes back from a call):
// smsPages gives all its pages, sent at once. shapeSms (cut with "…") is for what must stay one message.
import type { Reply } from '../../bot/messages';
import { fitsSegments, isGsm7, smsSegments, transliterateToGsm7, type SmsEncoding } from './gsm7';
import { choiceLines, guessLocale, replyToText, type RenderLocale } from './plain';
import { moreInstruction, paginate } from './sms-pages';
import { compressWeekHours } from './week-hours';
import { renderWhatsApp } from './whatsapp';

export * from './gsm7';

export const DEFAULT_SEGMENT_BUDGET = 3;

export interface SmsShapeOptions {
  /** Rewrite non-GSM characters (ç → c, ’ → ') so the message stays in 160/153-character segments. */
  transliterate?: boolean;
  segmentBudget?: number;
}

export interface ShapedSms {
  body: string;
  encoding: SmsEncoding;
  segments: number;
  truncated: boolean;
}

const SEPARATOR = '\n';

/** "…" is not GSM-7: adding it to a GSM-7 text would switch it to UCS-2 and cost more than it saves. */
const ellipsisFor = (text: string): string => (isGsm7(text) ? '...' : '…');

/**
 * The longest cut of `head` such that cut + ellipsis + `tail` fits the budget, preferring the end of a
 * sentence, then the end of a word. Returns undefined when not even an empty head fits.
 */
function cutHead(head: string, tail: string, budget: number): string | undefined {
  const points = [...head];
  const ellipsis = ellipsisFor(head + tail);
  const compose = (n: number): string => {
    const cut = points.slice(0, n).join('').trimEnd();
    return cut.length === 0 ? tail : `${cut}${ellipsis}${tail ? SEPARATOR + tail : ''}`;
  };
  if (!fitsSegments(tail, budget)) return undefined;
  // Binary search the longest prefix (in code points) that fits.
  let lo = 0;
  let hi = points.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fitsSegments(compose(mid), budget)) lo = mid;
    else hi = mid - 1;
  }
  const max = lo;
  const prefix = points.slice(0, max).join('');
  // A sentence end, if it keeps most of what fits; otherwise the last whole word.
  // A line break, or ". ", "! ", "? " after a word ("2. Signaler" in a menu is not a sentence end).
  let sentenceEnd = -1;
  for (const m of prefix.matchAll(/(?<=[^\d\s])[.!?](?=\s)|\n/gu)) sentenceEnd = m.index;
  const wordEnd = prefix.lastIndexOf(' ');
  const nextIsBoundary = max >= points.length || /\s/.test(points[max] ?? ' ');
  let cutAt: number;
  if (nextIsBoundary) cutAt = prefix.length;
  else if (sentenceEnd >= prefix.length * 0.6) cutAt = sentenceEnd + 1;
  else if (wordEnd > 0) cutAt = wordEnd;
  else cutAt = prefix.length;
  // A cut sentence ends with the ellipsis instead of its full stop ("…compter..." rather than "compter....").
  const cut = prefix.slice(0, cutAt).replace(/[\s,;:–.-]+$/u, '');
  if (cut.length === 0) return tail.length > 0 ? tail : undefined;
  return `${cut}${ellipsis}${tail ? SEPARATOR + tail : ''}`;
}

/**
 * Shapes an SMS body: optional transliteration, then the segment budget (default 3) and the 1,600
 * character cap. `keep` is a final part (a numbered menu) that is preserved whole if it fits alone.
 */
export function shapeSms(text: string, options: SmsShapeOptions = {}, keep = ''): ShapedSms {
  const budget = options.segmentBudget ?? DEFAULT_SEGMENT_BUDGET;
  const tr = (s: string) => (options.transliterate ? transliterateToGsm7(s) : s);
  const head = tr(text).trim();
  const tail = tr(keep).trim();
  const whole = [head, tail].filter(Boolean).join(SEPARATOR);
  if (fitsSegments(whole, budget)) return { body: whole, ...info(whole), truncated: false };
  const body = cutHead(head, tail, budget) ?? cutHead(whole, '', budget) ?? '';
  return { body, ...info(body), truncated: true };
}

/**
 * Every page of a text sent at once (the SMS a phone call sends): the territory's transliteration and segment
 * budget per page, nothing cut, `keep` (a link, the contacts) whole at the end of the last page when it fits.
 */
export function smsPages(text: string, options: SmsShapeOptions = {}, keep = ''): string[] {
  const tr = (s: string) => (options.transliterate ? transliterateToGsm7(s) : s);
  return paginate(tr(text), tr(keep), options.segmentBudget ?? DEFAULT_SEGMENT_BUDGET, '');
}

function info(body: string): { encoding: SmsEncoding; segments: number } {
  const { encoding, segments } = smsSegments(body);
  return { encoding, segments };
}

export interface RenderSmsOptions extends SmsShapeOptions {
  channel: 'sms' | 'whatsapp';
  locale?: RenderLocale;
  /**
   * The personal-data notice the engine puts first at first contact. It must never be cut: when it
   * does not fit in the budget with the rest, it goes in a message of its own.
   */
  notice?: string;
}

const locationHint = (locale: RenderLocale): string =>
  locale === 'en' ? 'Send the address (number, street, town).' : 'Envoyez l’adresse (numéro, rue, commune).';

interface Block {
  text: string;
  menu?: string;
}

function blocksOf(replies: readonly Reply[], options: RenderSmsOptions, locale: RenderLocale): Block[] {
  const plain = { locale, locationHint: locationHint(locale) };
  return replies
    .map((r): Block => {
      const text = replyToText(r, plain).trim();
      const menu = r.type === 'choices' ? choiceLines(r.choices, locale) : undefined;
      // A week of hours takes one line per day on a screen; on SMS, days with the same hours share one.
      return { text: compressWeekHours(text), menu };
    })
    .filter((b) => b.text.length > 0);
}

/** What one SMS turn sends: `now` at once, `later` one page per "SUITE" (see sms-pages.ts). */
export interface SmsTurnBodies {
  now: string[];
  later: string[];
}

/**
 * The SMS of one turn, nothing cut: what fits the segment budget goes in one message; longer content is
 * paged, the first page now and the others on "SUITE", each page but the last ending with the
 * instruction to ask for the next. The last menu and its question come with the last page, so the
 * citizen has read everything (a summary, a list of documents) before answering.
 */
export function renderSmsTurn(replies: readonly Reply[], options: RenderSmsOptions): SmsTurnBodies {
  const pages = pagesOf(replies, options, true);
  return { now: pages.now, later: pages.later };
}

/**
 * The bodies to send for one turn: WhatsApp messages, or every SMS page in order (a notification, which
 * cannot wait for "SUITE"). The webhook pages with renderSmsTurn instead.
 */
export function renderSms(replies: readonly Reply[], options: RenderSmsOptions): string[] {
  const locale = options.locale ?? guessLocale(replies);
  if (options.channel === 'whatsapp') return renderWhatsApp(replies, { locale }).map((m) => m.body);
  const pages = pagesOf(replies, options, false);
  return [...pages.now, ...pages.later];
}

function pagesOf(replies: readonly Reply[], options: RenderSmsOptions, askForMore: boolean): SmsTurnBodies {
  const locale = options.locale ?? guessLocale(replies);
  const blocks = blocksOf(replies, options, locale);
  if (blocks.length === 0) return { now: [], later: [] };
  const tr = (s: string) => (options.transliterate ? transliterateToGsm7(s) : s);
  const budget = options.segmentBudget ?? DEFAULT_SEGMENT_BUDGET;
  const footer = askForMore ? tr(moreInstruction(locale)) : '';
  const page = (list: Block[]) => {
    const { before, question, keep } = splitMenu(list);
    // The menu's question goes with its options on the last page, when they fit there together.
    const withQuestion = [question, keep].filter(Boolean).join(SEPARATOR);
    if (keep && fitsSegments(tr(withQuestion), budget))
      return paginate(tr(before), tr(withQuestion), budget, footer);
    return paginate(tr([before, question].filter(Boolean).join(SEPARATOR)), tr(keep), budget, footer);
  };
  const first = blocks[0];
  const all = page(blocks);
  // The personal-data notice is a message of its own rather than the start of a first page.
  if (
    all.length > 1 &&
    options.notice &&
    first &&
    blocks.length > 1 &&
    first.text === options.notice.trim()
  ) {
    const [rest0, ...rest] = page(blocks.slice(1));
    return { now: [tr(first.text), ...(rest0 ? [rest0] : [])], later: rest };
  }
  const [now0, ...later] = all;
  return { now: now0 ? [now0] : [], later };
}

/**
 * The last menu's numbered lines and what follows are what the citizen must answer (`keep`): they stay
 * together, on the last page, with the menu's own question if possible. Everything else comes `before`.
 */
function splitMenu(blocks: Block[]): { before: string; question: string; keep: string } {
  const lastMenu = blocks.map((b) => b.menu !== undefined).lastIndexOf(true);
  const menuBlock = blocks[lastMenu];
  if (lastMenu < 0 || !menuBlock?.menu)
    return { before: blocks.map((b) => b.text).join(SEPARATOR), question: '', keep: '' };
  const question = menuBlock.text.slice(0, menuBlock.text.length - menuBlock.menu.length).trim();
  const before = blocks
    .slice(0, lastMenu)
    .map((b) => b.text)
    .join(SEPARATOR);
  const keep = [menuBlock.menu, ...blocks.slice(lastMenu + 1).map((b) => b.text)].join(SEPARATOR);
  return { before, question, keep };
}
