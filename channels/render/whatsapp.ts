// Neutral replies → WhatsApp messages. WhatsApp is not billed per segment: accents and emoji stay, a
// message holds up to 1,600 characters (Twilio's cap) and a turn may take several. A menu becomes tappable
// when the territory names a Twilio Content API template for it (quick-reply buttons, or a list picker):
// the menu is then sent as that template with the question and labels as its variables. Without a
// template that fits (none configured, another number of choices, a label too long for a button), the
// menu stays numbered text, answered with a digit as on SMS.
import type { Choice, Reply } from '../../bot/messages';
import { choiceLines, guessLocale, replyToText, type RenderLocale } from './plain';

/** WhatsApp accepts 4,096 characters, but Twilio caps a message body at 1,600. */
export const WHATSAPP_MAX_CHARS = 1600;

/**
 * A Content API template for a menu of exactly `choices` options. Its variables: "1" the question,
 * "2"… the labels in order; its button or item ids are "1", "2"…, so a tap answers the choice's number.
 */
export interface WhatsAppMenuTemplate {
  kind: 'quick-reply' | 'list-picker';
  contentSid: string;
  choices: number;
}

/** WhatsApp's own limits: a button title, a list item and a template body. */
const LABEL_MAX = { 'quick-reply': 20, 'list-picker': 24 } as const;
const TEMPLATE_BODY_MAX = 1024;

export type WhatsAppMessage =
  | { kind: 'text'; body: string }
  /** `body` is the same menu as text: the transcript, and the fallback when the template cannot be sent. */
  | { kind: 'content'; contentSid: string; variables: Record<string, string>; body: string };

export interface RenderWhatsAppOptions {
  locale?: RenderLocale;
  templates?: readonly WhatsAppMenuTemplate[];
}

const LOCATION_HINT = {
  fr: 'Envoyez l’adresse, ou partagez votre position (📎 puis Position).',
  en: 'Send the address, or share your location (📎 then Location).',
} as const;

/** The template for these choices, if one is configured and every label fits it. */
export function menuTemplate(
  choices: readonly Choice[],
  templates: readonly WhatsAppMenuTemplate[],
): WhatsAppMenuTemplate | undefined {
  const fits = (t: WhatsAppMenuTemplate) =>
    t.choices === choices.length && choices.every((c) => [...c.label].length <= LABEL_MAX[t.kind]);
  // Buttons first: one tap, no list to open.
  return templates.find((t) => t.kind === 'quick-reply' && fits(t)) ?? templates.find((t) => fits(t));
}

/** The messages of one turn on WhatsApp, in order. */
export function renderWhatsApp(
  replies: readonly Reply[],
  options: RenderWhatsAppOptions = {},
): WhatsAppMessage[] {
  const locale = options.locale ?? guessLocale(replies);
  const plain = { locale, locationHint: LOCATION_HINT[locale] };
  const last = replies.at(-1);
  const template =
    last?.type === 'choices' && last.text.length <= TEMPLATE_BODY_MAX
      ? menuTemplate(last.choices, options.templates ?? [])
      : undefined;
  const texts = (template ? replies.slice(0, -1) : replies)
    .map((r) => replyToText(r, plain).trim())
    .filter((t) => t.length > 0);
  const messages: WhatsAppMessage[] = splitWhatsApp(texts).map((body) => ({ kind: 'text', body }));
  if (template && last?.type === 'choices') {
    const variables: Record<string, string> = { '1': last.text };
    last.choices.forEach((c, i) => (variables[String(i + 2)] = c.label));
    messages.push({
      kind: 'content',
      contentSid: template.contentSid,
      variables,
      body: [last.text, choiceLines(last.choices, locale)].filter(Boolean).join('\n'),
    });
  }
  return messages;
}

/** Paragraphs packed into messages of at most 1,600 characters; as many messages as the answer needs. */
export function splitWhatsApp(paragraphs: string[]): string[] {
  const messages: string[] = [];
  let current = '';
  for (const paragraph of paragraphs.flatMap((p) => chunk(p, WHATSAPP_MAX_CHARS))) {
    const next = current ? `${current}\n\n${paragraph}` : paragraph;
    if (next.length <= WHATSAPP_MAX_CHARS) current = next;
    else {
      messages.push(current);
      current = paragraph;
    }
  }
  if (current) messages.push(current);
  return messages;
}

/** A paragraph longer than one message is cut at word boundaries. */
function chunk(text: string, max: number): string[] {
  if (text.length <= max) return [text];
  const parts: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const space = rest.lastIndexOf(' ', max);
    const at = space > max * 0.5 ? space : max;
    parts.push(rest.slice(0, at).trimEnd());
    rest = rest.slice(at).trimStart();
  }
  if (rest) parts.push(rest);
  return parts;
}
