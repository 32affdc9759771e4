// How a turn's replies look on each medium, for territory editors previewing a conversation in a terminal.
// sms and voice use the real renderers (channels/render); webchat prints the neutral replies, buttons as [n].
import type { Reply } from '../../bot/messages';
import type { Territory } from '../../knowledge/territory';
import {
  personByPhone,
  renderSmsTurn,
  replyToSpeech,
  smsSegments,
  speakable,
  type RenderLocale,
} from '../render';

export const PREVIEW_CHANNELS = ['webchat', 'sms', 'voice'] as const;
export type PreviewChannel = (typeof PREVIEW_CHANNELS)[number];

export interface PreviewOptions {
  locale: RenderLocale;
  /** SMS settings of the territory. */
  sms?: { transliterate: boolean; segmentBudget: number };
  /** The first-contact data notice (SMS keeps it whole, in its own message if needed). */
  notice?: string;
  /**
   * Voice: the territory and its clock, so that "parler à un agent" shows what the line does at that moment
   * (a transfer during the agents' hours, otherwise the choices it offers) — the line's own decision.
   */
  phone?: { territory: Territory; now: Date };
}

const indent = (text: string, prefix = '  '): string =>
  text
    .split('\n')
    .map((l) => prefix + l)
    .join('\n');

/** The widget's rendering, as text: buttons as "[1] label", a card's fields as "label : value". */
export function previewWebchat(replies: readonly Reply[], locale: RenderLocale): string {
  const t = (fr: string, en: string) => (locale === 'en' ? en : fr);
  return replies
    .map((reply) => {
      switch (reply.type) {
        case 'text':
          return reply.text;
        case 'choices':
          return [reply.text, ...reply.choices.map((c, i) => `  [${i + 1}] ${c.label}`)].join('\n');
        case 'card':
          return [
            `┌ ${reply.title}`,
            ...(reply.text ? [`│ ${reply.text}`] : []),
            ...(reply.fields ?? []).map((f) => `│ ${f.label} : ${f.value}`),
            ...(reply.link ? [`│ ${reply.link.label} → ${reply.link.url}`] : []),
            '└',
          ].join('\n');
        case 'link':
          return `${reply.text}\n  → ${reply.url}`;
        case 'location_request':
          return `${reply.text}\n  [📍 ${t('Partager ma position', 'Share my location')}]`;
        case 'handover':
          return reply.state === 'agent_message'
            ? `${t('Agent', 'Agent')} : ${reply.text}`
            : `(i) ${reply.text}`;
        case 'end':
          return [reply.text, `— ${t('conversation terminée', 'conversation ended')} —`]
            .filter(Boolean)
            .join('\n');
      }
    })
    .join('\n');
}

/**
 * The SMS actually sent for the turn, each with its encoding and segment count; the pages that wait for
 * "SUITE" are shown after them, marked as such (the preview has no conversation to keep them in).
 */
export function previewSms(replies: readonly Reply[], options: PreviewOptions): string {
  const turn = renderSmsTurn(replies, {
    channel: 'sms',
    locale: options.locale,
    transliterate: options.sms?.transliterate,
    segmentBudget: options.sms?.segmentBudget,
    notice: options.notice,
  });
  const bodies = [...turn.now, ...turn.later];
  return bodies
    .map((body, i) => {
      const { encoding, segments } = smsSegments(body);
      const onMore =
        i >= turn.now.length ? (options.locale === 'en' ? ' · after MORE' : ' · après SUITE') : '';
      const head = `[SMS ${i + 1}/${bodies.length}${onMore} · ${encoding} · ${segments} segment${segments > 1 ? 's' : ''} · ${[...body].length} ${options.locale === 'en' ? 'characters' : 'caractères'}]`;
      return `${head}\n${indent(body)}`;
    })
    .join('\n');
}

/** What the phone line says (and the links it would send by SMS instead of reading them). */
export function previewVoice(
  replies: readonly Reply[],
  locale: RenderLocale,
  phone?: PreviewOptions['phone'],
): string {
  const lines: string[] = [];
  for (const reply of replies) {
    if (reply.type === 'handover' && reply.state === 'transfer') {
      // The line decides by the agents' hours; without a territory, the transfer the reply asks for.
      // The preview shows the menu as the line offers it to a mobile with SMS configured.
      const person = phone
        ? personByPhone(phone.territory, phone.now, 'possible')
        : { say: [reply.text], transferTo: reply.transferTo };
      for (const text of person.say) lines.push(`🔊 ${speakable(text)}`);
      if (person.transferTo)
        lines.push(`☎ ${locale === 'en' ? 'transfer to' : 'transfert vers'} ${person.transferTo}`);
      continue;
    }
    const { text, link } = replyToSpeech(reply, locale);
    const said = speakable(text);
    if (said) lines.push(`🔊 ${said}`);
    if (link) lines.push(`✉ ${locale === 'en' ? 'sent by SMS' : 'envoyé par SMS'} : ${link.url}`);
  }
  return lines.join('\n');
}

export function preview(channel: PreviewChannel, replies: readonly Reply[], options: PreviewOptions): string {
  if (channel === 'sms') return previewSms(replies, options);
  if (channel === 'voice') return previewVoice(replies, options.locale, options.phone);
  return previewWebchat(replies, options.locale);
}
