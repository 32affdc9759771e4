// Bot Framework activities ⇄ the engine's neutral model. Incoming: a message activity becomes an
// IncomingMessage (a clicked button's value carries the choice). Outgoing: each neutral reply becomes an
// activity: choices as suggested actions (hero card buttons on Teams), cards as hero cards, the rest as text.
import { createHash } from 'node:crypto';
import {
  ActionTypes,
  ActivityTypes,
  CardFactory,
  TurnContext,
  type Activity,
  type CardAction,
} from 'botbuilder';
import { z } from 'zod';
import type { Choice, GeoPoint, IncomingMessage, Media, Reply } from '../../bot/messages';
import { MAX_TEXT_LENGTH } from '../../bot/messages';

const MAX_ADDRESS = 256;
const MAX_MESSAGE_ID = 128;

/** Ids longer than the store accepts are replaced by a stable digest (Teams ids can be long). */
export function boundedId(id: string, max: number): string {
  return id.length <= max ? id : `h_${createHash('sha256').update(id).digest('base64url')}`;
}

/** The conversation's address in the engine and the store: the Bot Framework conversation id. */
export const addressOf = (activity: Partial<Activity>): string | undefined =>
  activity.conversation?.id ? boundedId(activity.conversation.id, MAX_ADDRESS) : undefined;

/** What our buttons put in `value` (messageBack / card submit), or a bare string value. */
const ButtonValueSchema = z.union([
  z.object({ choiceValue: z.string().min(1).max(200) }).loose(),
  z.string().min(1).max(200),
]);

const GeoSchema = z.object({
  latitude: z.number().min(-90).max(90),
  longitude: z.number().min(-180).max(180),
});
const EntitySchema = z.union([
  GeoSchema.extend({ type: z.literal('GeoCoordinates') }).loose(),
  z.object({ type: z.literal('Place'), geo: GeoSchema.loose() }).loose(),
]);

function locationOf(activity: Partial<Activity>): GeoPoint | undefined {
  for (const entity of activity.entities ?? []) {
    const parsed = EntitySchema.safeParse(entity);
    if (!parsed.success) continue;
    const geo = parsed.data.type === 'Place' ? parsed.data.geo : parsed.data;
    return { lat: geo.latitude, lon: geo.longitude };
  }
  return undefined;
}

function mediaOf(activity: Partial<Activity>): Media[] | undefined {
  const media = (activity.attachments ?? [])
    .filter(
      (a) =>
        typeof a.contentUrl === 'string' && /^https:\/\//.test(a.contentUrl) && a.contentUrl.length <= 2000,
    )
    .slice(0, 10)
    .map((a) => ({ url: a.contentUrl as string, contentType: a.contentType?.slice(0, 100) }));
  return media.length > 0 ? media : undefined;
}

function localeOf(activity: Partial<Activity>): 'fr' | 'en' | undefined {
  const lang = activity.locale?.slice(0, 2).toLowerCase();
  return lang === 'fr' || lang === 'en' ? lang : undefined;
}

/** A message activity as the engine's input; undefined for anything else (typing, empty message, …). */
export function activityToIncoming(
  activity: Partial<Activity>,
  tenantId: string,
): IncomingMessage | undefined {
  if (activity.type !== ActivityTypes.Message) return undefined;
  const address = addressOf(activity);
  if (!address) return undefined;
  // Teams prefixes the text with "<at>Bot</at>" when the bot is mentioned in a channel.
  const text = (activity.text ? TurnContext.removeRecipientMention(activity) || activity.text : '')
    .trim()
    .slice(0, MAX_TEXT_LENGTH);
  const value = ButtonValueSchema.safeParse(activity.value);
  const choiceValue = value.success
    ? typeof value.data === 'string'
      ? value.data
      : value.data.choiceValue
    : undefined;
  const location = locationOf(activity);
  const media = mediaOf(activity);
  if (!text && !choiceValue && !location && !media) return undefined;
  return {
    tenantId,
    channel: 'botframework',
    address,
    // Activity ids are only unique within a conversation: the idempotency key carries both.
    providerMessageId: activity.id ? boundedId(`${address}|${activity.id}`, MAX_MESSAGE_ID) : undefined,
    text,
    choiceValue,
    locale: localeOf(activity),
    location,
    media,
    receivedAt: undefined,
  };
}

const button = (choice: Choice): CardAction => ({
  type: ActionTypes.MessageBack,
  title: choice.label,
  text: choice.label,
  displayText: choice.label,
  value: { choiceValue: choice.value },
});

const message = (text: string): Partial<Activity> => ({
  type: ActivityTypes.Message,
  text,
  textFormat: 'plain',
});

/** Channels whose suggested actions cannot carry a value: their choices go on hero card buttons. */
const CARD_BUTTON_CHANNELS = new Set(['msteams']);

export function replyToActivity(reply: Reply, channelId: string | undefined): Partial<Activity> | undefined {
  switch (reply.type) {
    case 'text':
    case 'location_request':
    case 'handover':
      return message(reply.text);
    case 'choices':
      if (channelId && CARD_BUTTON_CHANNELS.has(channelId)) {
        return {
          type: ActivityTypes.Message,
          attachments: [CardFactory.heroCard('', reply.text, undefined, reply.choices.map(button))],
        };
      }
      return { ...message(reply.text), suggestedActions: { to: [], actions: reply.choices.map(button) } };
    case 'card': {
      const lines = [reply.text, ...(reply.fields ?? []).map((f) => `${f.label} : ${f.value}`)].filter(
        Boolean,
      );
      const buttons: CardAction[] = reply.link
        ? [{ type: ActionTypes.OpenUrl, title: reply.link.label, value: reply.link.url }]
        : [];
      return {
        type: ActivityTypes.Message,
        attachments: [CardFactory.heroCard(reply.title, lines.join('\n'), undefined, buttons)],
      };
    }
    case 'link':
      return message(`${reply.text} ${reply.url}`);
    case 'end':
      return reply.text ? message(reply.text) : undefined;
  }
}

export function repliesToActivities(
  replies: readonly Reply[],
  channelId: string | undefined,
): Partial<Activity>[] {
  return replies.map((r) => replyToActivity(r, channelId)).filter((a): a is Partial<Activity> => Boolean(a));
}
