// Replies as the web chat shows them: French typography (bot/french.ts) on every text a citizen reads, never
// on URLs or choice values. Applied to answers, history and pushes alike, so the widget can recognise a
// reply it already showed whichever way it came.
import { typography } from '../../bot/french';
import type { Locale } from '../../bot/i18n';
import type { Reply } from '../../bot/messages';

export function presentReply(reply: Reply, locale: Locale): Reply {
  const t = (text: string) => typography(text, locale);
  switch (reply.type) {
    case 'choices':
      return {
        ...reply,
        text: t(reply.text),
        choices: reply.choices.map((c) => ({ ...c, label: t(c.label) })),
      };
    case 'card':
      return {
        ...reply,
        title: t(reply.title),
        ...(reply.text !== undefined ? { text: t(reply.text) } : {}),
        ...(reply.fields
          ? { fields: reply.fields.map((f) => ({ label: t(f.label), value: t(f.value) })) }
          : {}),
        ...(reply.link ? { link: { ...reply.link, label: t(reply.link.label) } } : {}),
      };
    case 'end':
      return reply.text !== undefined ? { ...reply, text: t(reply.text) } : reply;
    default:
      return { ...reply, text: t(reply.text) };
  }
}

export const presentReplies = (replies: readonly Reply[], locale: Locale): Reply[] =>
  replies.map((r) => presentReply(r, locale));
