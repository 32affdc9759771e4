// Plain-text rendering of neutral replies, for media without rich widgets (SMS, WhatsApp, a terminal).
// Choices become a numbered list the citizen answers with a digit (the dialogue maps "2" to the second
// choice), cards become lines, links stay URLs.
import type { Choice, Reply } from '../../bot/messages';

export type RenderLocale = 'fr' | 'en';

/** "1, 2 ou 3" / "1, 2 or 3". */
export function enumerate(count: number, locale: RenderLocale): string {
  const numbers = Array.from({ length: count }, (_, i) => String(i + 1));
  if (numbers.length <= 1) return numbers.join('');
  const last = numbers.pop();
  return `${numbers.join(', ')} ${locale === 'en' ? 'or' : 'ou'} ${last}`;
}

/** "Répondez 1, 2 ou 3." / "Reply 1, 2 or 3."; from five choices on, "Répondez de 1 à 6." (shorter). */
export function choiceInstruction(count: number, locale: RenderLocale): string {
  if (count >= 5) return locale === 'en' ? `Reply 1 to ${count}.` : `Répondez de 1 à ${count}.`;
  return `${locale === 'en' ? 'Reply' : 'Répondez'} ${enumerate(count, locale)}.`;
}

/** The numbered lines and the instruction, without the question: what must not be cut. */
export function choiceLines(choices: readonly Choice[], locale: RenderLocale): string {
  return [...choices.map((c, i) => `${i + 1}. ${c.label}`), choiceInstruction(choices.length, locale)].join(
    '\n',
  );
}

export function numberedChoices(text: string, choices: readonly Choice[], locale: RenderLocale): string {
  return [text, choiceLines(choices, locale)].filter((l) => l.length > 0).join('\n');
}

export function cardToText(reply: Extract<Reply, { type: 'card' }>): string {
  const fields = (reply.fields ?? []).map((f) => `${f.label} : ${f.value}`);
  const link = reply.link ? `${reply.link.label} : ${reply.link.url}` : undefined;
  return [reply.title, reply.text, ...fields, link]
    .filter((l): l is string => !!l && l.length > 0)
    .join('\n');
}

export interface PlainOptions {
  locale?: RenderLocale;
  /** What to add to a location request on this medium (SMS cannot share a position). */
  locationHint?: string;
}

/** One reply as plain text. */
export function replyToText(reply: Reply, options: PlainOptions = {}): string {
  const locale = options.locale ?? 'fr';
  switch (reply.type) {
    case 'text':
    case 'handover':
      return reply.text;
    case 'choices':
      return numberedChoices(reply.text, reply.choices, locale);
    case 'card':
      return cardToText(reply);
    case 'link':
      return `${reply.text} ${reply.url}`;
    case 'location_request':
      return [reply.text, options.locationHint].filter(Boolean).join('\n');
    case 'end':
      return reply.text ?? '';
  }
}

/** Every reply of a turn as one text (CLI preview, transcripts). */
export const renderPlain = (replies: readonly Reply[], options: PlainOptions = {}): string =>
  replies
    .map((r) => replyToText(r, options))
    .filter((t) => t.length > 0)
    .join('\n');

const ENGLISH_MARKERS = /\b(the|you|your|please|what|would|which|when|is|are|have|can|thank)\b/gi;
const FRENCH_MARKERS = /\b(le|la|les|vous|votre|est|une|des|pour|quel|quelle|merci|je)\b/gi;

/**
 * The language the engine answered in, for the few words a channel adds itself ("Répondez 1 ou 2").
 * The engine already chose the language; this only reads it back from its replies.
 */
export function guessLocale(replies: readonly Reply[]): RenderLocale {
  const text = replies.map((r) => replyToText(r)).join(' ');
  const en = text.match(ENGLISH_MARKERS)?.length ?? 0;
  const fr = text.match(FRENCH_MARKERS)?.length ?? 0;
  return en > fr ? 'en' : 'fr';
}
