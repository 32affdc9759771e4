// Web chat transport: JSON in, neutral replies out (the widget renders them), history so a reload
// restores the conversation, and the territory's name and data notice for the panel. The widget key names
// the tenant; a per-conversation token guards reading and continuing a conversation.
import express, { Router } from 'express';
import { z } from 'zod';
import type { Engine } from '../../bot/engine';
import { GuichetError, isGuichetError } from '../../bot/errors';
import { typography } from '../../bot/french';
import type { TurnCommand } from '../../bot/engine';
import { phrase, say, type Locale } from '../../bot/i18n';
import { LocationSchema, MAX_TEXT_LENGTH, ReplySchema, type Reply } from '../../bot/messages';
import {
  isGeocoderUnavailable,
  mediaKeyOf,
  mediaKeysIn,
  mediaTenantOf,
  type Geocoder,
  type MessageRecord,
  type SharedStore,
} from '../../bot/ports';
import type { MediaIntake } from '../../adapters/media';
import { answerTurn } from '../../bot/turn-answer';
import { cleanUnsafeText, isUnsafeText } from '../../bot/unsafe-text';
import { requireContentTypeJson } from './content-type';
import { presentReplies } from './present';
import {
  CONVERSATION_ID_PATTERN,
  conversationToken,
  isConversationMedia,
  newConversationId,
  verifyConversationToken,
} from './conversation-token';
import { assertOriginAllowed, corsMiddleware, tenantKeyOf, type OriginPolicy } from './cors';
import type { WebchatTenant, WebchatTenants } from './tenants';
import { createWebchatUploadRouter } from './upload';

export interface WebchatDeps {
  engine: Engine;
  store: SharedStore;
  tenants: WebchatTenants;
  origins: OriginPolicy;
  secret: string;
  /** Photo uploads (POST /media); without it the widget's attach button gets a 404. */
  media?: MediaIntake;
  /** The greeting and the services as choices, shown when the panel opens (intents/small-talk). */
  greeting?: (territoryName: string, locale: Locale) => Reply;
  /** Names the place under the pin of the location map (national address API). */
  geocoder?: Geocoder;
  /** Map tiles for the location map; the map works without them (pin, coordinates, address). */
  map?: { tileUrl?: string; attribution?: string };
}

export const MAX_BODY = '16kb';
const HISTORY_LIMIT = 200;

const isMediaUrl = (url: string): boolean => mediaKeyOf(url) !== null;
/** A stored photo's id as the widget names it: the key without its tenant (the token's tenant is implied). */
const photoIdOf = (key: string): string => key.slice(key.indexOf('/') + 1);
const PhotoId = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/);

const MessageBody = z.strictObject({
  conversationId: z
    .string()
    .regex(CONVERSATION_ID_PATTERN, 'conversationId is not a valid conversation id')
    .optional(),
  // A NUL or a lone surrogate is cleaned (the transcript must store it); the rest is the citizen's text.
  text: z.preprocess(
    (v) => (typeof v === 'string' ? cleanUnsafeText(v) : v),
    z
      .string({ error: 'text is required and must be a string' })
      .trim()
      .max(MAX_TEXT_LENGTH, `text must be at most ${MAX_TEXT_LENGTH} characters`),
  ),
  token: z.string().max(100).optional(),
  clientMessageId: z
    .string()
    .min(1)
    .max(128)
    .refine((id) => !isUnsafeText(id), 'clientMessageId must not contain a NUL character or invalid Unicode')
    .optional(),
  choiceValue: z.string().max(200).optional(),
  locale: z.enum(['fr', 'en']).optional(),
  tenant: z.string().max(64).optional(),
  /** Shared by the browser's geolocation after a location request. */
  location: LocationSchema.optional(),
  /** Photos uploaded first (POST /media): only the internal URLs that upload answered. */
  media: z
    .array(z.strictObject({ url: z.string().max(200).refine(isMediaUrl, 'not an uploaded photo') }))
    .max(3)
    .optional(),
});

const LocaleQuery = z.enum(['fr', 'en']);
const ConfigQuery = z.object({ locale: LocaleQuery.optional() });
const ReverseQuery = z.object({
  lat: z.coerce.number({ error: 'lat must be a number' }).min(-90).max(90),
  lon: z.coerce.number({ error: 'lon must be a number' }).min(-180).max(180),
});

const EndBody = z.strictObject({
  token: z.string().max(100).optional(),
  tenant: z.string().max(64).optional(),
  locale: z.enum(['fr', 'en']).optional(),
  clientMessageId: z.string().min(1).max(128).optional(),
});

/** The citizen's line in the transcript, and what closes the conversation. */
const LEFT = phrase(
  'Nouvelle conversation (la personne a quitté celle-ci)',
  'New conversation (the person left this one)',
);
const ENDED = phrase('Conversation terminée.', 'Conversation ended.');

function endConversation(locale: Locale): TurnCommand {
  return (ctx) => {
    ctx.effects.conversation.status = 'closed';
    ctx.effects.conversation.owner = 'bot';
    return Promise.resolve({ replies: [{ type: 'end', text: say(ENDED, locale) }] });
  };
}

function badRequest(error: z.ZodError): GuichetError {
  const first = error.issues[0];
  const message = first
    ? first.path.length
      ? `${first.path.join('.')}: ${first.message}`
      : first.message
    : 'Invalid body';
  return new GuichetError(
    'BAD_REQUEST',
    message,
    error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
  );
}

/** One transcript row as the widget renders it: what the citizen said, or a neutral reply. */
export interface HistoryItem {
  direction: 'in' | 'out' | 'agent';
  text: string;
  reply?: Reply;
  /**
   * The photos the citizen sent with it (ids): the transcript's text of a photo-only message is empty, so the
   * widget shows them after a reload, read from GET /conversations/{id}/photos/{photoId} with the token.
   */
  photos?: string[];
  createdAt?: string;
}

function presentItem(item: HistoryItem, locale: Locale): HistoryItem {
  return item.reply ? { ...item, reply: presentReplies([item.reply], locale)[0] } : item;
}

function historyItem(m: MessageRecord): HistoryItem {
  const createdAt = m.createdAt?.toISOString();
  if (m.direction === 'in') {
    const photos = mediaKeysIn(m.payload).map(photoIdOf);
    return { direction: 'in', text: m.text, ...(photos.length > 0 ? { photos } : {}), createdAt };
  }
  const parsed = ReplySchema.safeParse(m.payload);
  // Agent messages (and rows written without a payload) become the reply a live push would have carried.
  const reply: Reply = parsed.success
    ? parsed.data
    : m.direction === 'agent'
      ? { type: 'handover', state: 'agent_message', text: m.text }
      : { type: 'text', text: m.text };
  return { direction: m.direction, text: m.text, reply, createdAt };
}

export function createWebchatRouter(deps: WebchatDeps): Router {
  const router = Router();
  router.use(corsMiddleware(deps.origins, deps.tenants));
  if (deps.media)
    router.use(
      createWebchatUploadRouter({
        intake: deps.media,
        tenants: deps.tenants,
        origins: deps.origins,
        secret: deps.secret,
      }),
    );

  const tenantOf = (key: string | undefined): WebchatTenant => {
    const tenant = deps.tenants.resolve(key);
    if (!tenant) throw new GuichetError('NOT_FOUND', 'Unknown widget key');
    return tenant;
  };
  const tokenOf = (req: express.Request, bodyToken?: string) =>
    bodyToken ?? req.get('x-conversation-token') ?? undefined;

  router.get('/config', (req, res) => {
    const tenant = tenantOf(tenantKeyOf(req));
    const query = ConfigQuery.safeParse(req.query);
    if (!query.success) throw badRequest(query.error);
    const locale = query.data.locale ?? tenant.locale;
    res.set('Cache-Control', 'public, max-age=300');
    res.json({
      name: tenant.name,
      // Typeset like the replies, so the widget recognises the notice when the first answer repeats it.
      notice: typography((locale === 'en' && tenant.noticeEn) || tenant.notice, locale),
      locale: tenant.locale,
      // Guichet's own notice page in the citizen's language; a territory's own page is linked as it is.
      privacyUrl:
        locale === 'en' && tenant.privacyUrl.startsWith('/privacy?')
          ? `${tenant.privacyUrl}&lang=en`
          : tenant.privacyUrl,
      ...(tenant.accessibilityUrl ? { accessibilityUrl: tenant.accessibilityUrl } : {}),
      ...(tenant.center ? { center: tenant.center } : {}),
      ...(deps.greeting ? { greeting: presentReplies([deps.greeting(tenant.name, locale)], locale)[0] } : {}),
      ...(deps.map?.tileUrl ? { map: { tileUrl: deps.map.tileUrl, attribution: deps.map.attribution } } : {}),
    });
  });

  // The address under the pin the citizen is placing, before sending it: null when none is near or the
  // address API is slow or down (the widget then shows the coordinates only).
  router.get('/reverse', async (req, res) => {
    tenantOf(tenantKeyOf(req));
    const query = ReverseQuery.safeParse(req.query);
    if (!query.success) throw badRequest(query.error);
    let label: string | null = null;
    try {
      label = (await deps.geocoder?.reverse(query.data))?.label ?? null;
    } catch (error) {
      if (!isGeocoderUnavailable(error)) throw error;
    }
    res.set('Cache-Control', 'no-store');
    res.json({ label });
  });

  router.post('/messages', requireContentTypeJson, express.json({ limit: MAX_BODY }), async (req, res) => {
    const parsed = MessageBody.safeParse(req.body);
    if (!parsed.success) throw badRequest(parsed.error);
    const body = parsed.data;
    // A photo alone is a message; otherwise there must be text.
    if (!body.text && !body.media?.length)
      throw new GuichetError('BAD_REQUEST', 'text: text must not be empty');
    const tenant = tenantOf(body.tenant ?? tenantKeyOf(req));
    assertOriginAllowed(deps.origins, req, tenant);
    // A photo of another territory is not this conversation's to send (keys name their tenant).
    if (body.media?.some((m) => mediaTenantOf(mediaKeyOf(m.url) ?? '') !== tenant.id))
      throw new GuichetError('BAD_REQUEST', 'media: the photo was not uploaded to this territory');
    let conversationId = body.conversationId;
    if (conversationId) {
      if (!verifyConversationToken(deps.secret, tenant.id, conversationId, tokenOf(req, body.token))) {
        throw new GuichetError('NOT_FOUND', 'Unknown conversation (or wrong token)');
      }
    } else {
      conversationId = newConversationId();
    }
    // Only photos uploaded in this conversation (their keys are signed for it at the upload).
    if (
      body.media?.some(
        (m) => !isConversationMedia(deps.secret, tenant.id, conversationId, mediaKeyOf(m.url) ?? ''),
      )
    )
      throw new GuichetError('BAD_REQUEST', 'media: the photo was not uploaded in this conversation');
    const token = conversationToken(deps.secret, tenant.id, conversationId);
    const answer = await answerTurn(
      deps.engine,
      {
        tenantId: tenant.id,
        channel: 'webchat',
        address: conversationId,
        text: body.text,
        providerMessageId: body.clientMessageId,
        choiceValue: body.choiceValue,
        locale: body.locale,
        location: body.location,
        ...(body.media?.length ? { media: body.media.map((m) => ({ url: m.url })) } : {}),
      },
      { locale: body.locale ?? tenant.locale },
    );
    if (answer.kind === 'replies') {
      res.set('Cache-Control', 'no-store');
      res.json({
        conversationId,
        token,
        messages: presentReplies(answer.result.replies, body.locale ?? tenant.locale),
      });
      return;
    }
    if (answer.kind === 'failed' && answer.unavailable && isGuichetError(answer.error)) {
      // Store or state down: the citizen still gets the counter's phone number and hours.
      res.status(503).json({
        error: { code: answer.error.code, message: 'The assistant is temporarily unavailable' },
        conversationId: body.conversationId,
        token: body.conversationId ? token : undefined,
        messages: presentReplies(answer.replies, body.locale ?? tenant.locale),
      });
      return;
    }
    // A bad message (400…) or a bug: the JSON error handler answers it.
    throw answer.kind === 'failed' ? answer.error : new GuichetError('INTERNAL', 'No answer');
  });

  // "Nouvelle conversation": the citizen leaves this one. It is closed (out of the agents' queue, the bot's
  // form forgotten) with a line in the transcript saying so; the widget then starts another.
  router.post(
    '/conversations/:id/end',
    requireContentTypeJson,
    express.json({ limit: MAX_BODY }),
    async (req, res) => {
      const id = String(req.params.id ?? '');
      const parsed = EndBody.safeParse(req.body);
      if (!parsed.success) throw badRequest(parsed.error);
      const body = parsed.data;
      const tenant = tenantOf(body.tenant ?? tenantKeyOf(req));
      assertOriginAllowed(deps.origins, req, tenant);
      if (
        !CONVERSATION_ID_PATTERN.test(id) ||
        !verifyConversationToken(deps.secret, tenant.id, id, tokenOf(req, body.token))
      ) {
        throw new GuichetError('NOT_FOUND', 'Unknown conversation (or wrong token)');
      }
      const locale = body.locale ?? tenant.locale;
      const answer = await answerTurn(
        deps.engine,
        {
          tenantId: tenant.id,
          channel: 'webchat',
          address: id,
          text: say(LEFT, locale),
          providerMessageId: body.clientMessageId,
          locale,
        },
        { locale, command: endConversation(locale) },
      );
      if (answer.kind === 'failed') throw answer.error;
      res.status(204).end();
    },
  );

  /** The conversation the caller holds the token of, or a 404 that says nothing more. */
  async function tokenConversation(req: express.Request) {
    const raw: unknown = req.params.id;
    const id = typeof raw === 'string' ? raw : '';
    const tenant = tenantOf(tenantKeyOf(req));
    if (
      !CONVERSATION_ID_PATTERN.test(id) ||
      !verifyConversationToken(deps.secret, tenant.id, id, tokenOf(req))
    ) {
      throw new GuichetError('NOT_FOUND', 'Unknown conversation (or wrong token)');
    }
    const conversation = await deps.store.findConversation({
      tenantId: tenant.id,
      channel: 'webchat',
      address: id,
    });
    if (!conversation) throw new GuichetError('NOT_FOUND', 'Unknown conversation');
    return { id, tenant, conversation };
  }

  // A photo the citizen sent in this conversation, for the widget's history: only with the conversation's token
  // and only a photo one of its messages names (never another conversation's, nor any key guessed).
  router.get('/conversations/:id/photos/:photoId', async (req, res) => {
    const photoId = PhotoId.safeParse(req.params.photoId);
    if (!photoId.success || !deps.media) throw new GuichetError('NOT_FOUND', 'Unknown photo');
    const { tenant, conversation } = await tokenConversation(req);
    const key = `${tenant.id}/${photoId.data}`;
    const messages = await deps.store.listMessages(tenant.id, conversation.id, { limit: HISTORY_LIMIT });
    const photo = messages.some((m) => m.direction === 'in' && mediaKeysIn(m.payload).includes(key))
      ? await deps.media.store.get(key)
      : null;
    if (!photo) throw new GuichetError('NOT_FOUND', 'Unknown photo');
    res.set({
      'Content-Type': photo.contentType,
      'Cache-Control': 'private, no-store',
      'X-Content-Type-Options': 'nosniff',
    });
    res.send(photo.bytes);
  });

  router.get('/conversations/:id/history', async (req, res) => {
    const { id, tenant, conversation } = await tokenConversation(req);
    const messages = await deps.store.listMessages(tenant.id, conversation.id, { limit: HISTORY_LIMIT });
    res.set('Cache-Control', 'no-store');
    const locale = LocaleQuery.safeParse(req.query.locale).data ?? tenant.locale;
    res.json({
      conversationId: id,
      owner: conversation.owner,
      messages: messages.map((m) => presentItem(historyItem(m), locale)),
    });
  });

  return router;
}
