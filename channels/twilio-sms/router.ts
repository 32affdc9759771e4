// POST /channels/twilio/sms — SMS and WhatsApp through Twilio (a `whatsapp:` sender means WhatsApp).
// Verify the signature → parse → tenant from the number called → STOP/START → engine turn → TwiML.
// The engine claims MessageSid atomically, so a retried webhook gets the same replies and no second
// side effect. A turn slower than the deadline is answered with an empty <Response/> and its replies
// are sent through the REST API.
import { Router, type Response } from 'express';
import type { Engine, TurnResult } from '../../bot/engine';
import { GuichetError } from '../../bot/errors';
import type { Logger } from '../../bot/logger';
import type { Reply } from '../../bot/messages';
import type { IdempotencyStore, SharedStore } from '../../bot/ports';
import type { Territory, TerritoryProvider } from '../../knowledge/territory';
import { renderSms } from '../render/sms';
import {
  LateDeliveries,
  badRequest,
  bareAddress,
  emptyMessagingTwiml,
  logUnknownNumber,
  messagingTwiml,
  raceDeadline,
  sendTwiml,
  territoryForNumber,
  twilioForm,
  twilioSignatureGuard,
  type ReplySender,
  type TwilioAuthConfig,
} from '../twilio-common';
import { OPT_OUT_MARK, keywordOf, optInText, optOutText } from './opt-out';
import { SmsWebhookSchema, locationOf, mediaOf, type SmsWebhook } from './schema';

export interface TwilioSmsDeps {
  engine: Engine;
  store: SharedStore;
  idempotency: IdempotencyStore;
  territories: TerritoryProvider;
  auth: TwilioAuthConfig;
  logger: Logger;
  /** REST sender for replies later than the deadline; without it the webhook waits for the turn. */
  sender?: ReplySender;
  /** TWILIO_REPLY_DEADLINE_MS (default 8 s, below Twilio's 15 s timeout). */
  replyDeadlineMs?: number;
}

type SmsChannel = 'sms' | 'whatsapp';

export const DEFAULT_REPLY_DEADLINE_MS = 8000;

const UNKNOWN_NUMBER_TEXT =
  'Ce numéro n’est relié à aucun service en ligne. Merci de contacter directement votre mairie. / This number is not connected to any service.';

export function createTwilioSmsRouter(deps: TwilioSmsDeps): Router {
  const router = Router();
  const late = new LateDeliveries(deps.idempotency);
  const deadlineMs = deps.replyDeadlineMs ?? DEFAULT_REPLY_DEADLINE_MS;
  const guard = twilioSignatureGuard(deps.auth, deps.logger, 'SMS/WhatsApp');

  router.post('/sms', twilioForm, guard, async (req, res) => {
    const parsed = SmsWebhookSchema.safeParse(req.body ?? {});
    if (!parsed.success) throw badRequest(parsed.error);
    const hook = parsed.data;
    const media = mediaOf(hook);
    if ('error' in media) throw new GuichetError('BAD_REQUEST', `Invalid Twilio webhook: ${media.error}`);

    const channel: SmsChannel = /^whatsapp:/i.test(hook.From) ? 'whatsapp' : 'sms';
    const territory = territoryForNumber(deps.territories, hook.To);
    if (!territory) {
      logUnknownNumber(deps.logger, channel, hook.To);
      sendTwiml(res, messagingTwiml([UNKNOWN_NUMBER_TEXT]));
      return;
    }
    const address = bareAddress(hook.From);
    const render = (replies: readonly Reply[]) =>
      renderSms(replies, {
        channel,
        transliterate: territory.sms.transliterate,
        segmentBudget: territory.sms.segmentBudget,
        notice: territory.notice.shortText,
      });

    const keyword = keywordOf(hook.Body);
    if (
      keyword &&
      hook.NumMedia === 0 &&
      (await handleKeyword(keyword, hook, territory, channel, address, res, render))
    )
      return;

    const turn = deps.engine.handleTurn({
      tenantId: territory.id,
      channel,
      address,
      providerMessageId: hook.MessageSid,
      text: hook.Body,
      ...(media.media.length > 0 ? { media: media.media } : {}),
      ...(locationOf(hook) ? { location: locationOf(hook) } : {}),
    });

    const outcome = deps.sender
      ? await raceDeadline(turn, deadlineMs)
      : await turn.then(
          (value) => ({ kind: 'done' as const, value }),
          (error: unknown) => ({ kind: 'failed' as const, error }),
        );
    if (outcome.kind === 'done') {
      // A retry of a message already answered by REST must not get the same replies again by TwiML.
      if (
        outcome.value.replayed &&
        deps.sender &&
        (await late.wasSentByRest(territory.id, channel, hook.MessageSid))
      ) {
        sendTwiml(res, emptyMessagingTwiml());
        return;
      }
      sendTwiml(res, messagingTwiml(render(outcome.value.replies)));
      return;
    }
    if (outcome.kind === 'failed') {
      deps.logger.error('SMS turn failed, answering the degraded message', {
        tenant: territory.id,
        channel,
        error: String(outcome.error),
      });
      sendTwiml(res, messagingTwiml(render(deps.engine.degradedReplies(territory.id))));
      return;
    }

    // Late: answer now, send later. Only the first attempt to get here sends.
    const mine = await late.claim(territory.id, channel, hook.MessageSid);
    sendTwiml(res, emptyMessagingTwiml());
    if (!mine || !deps.sender) return;
    const sender = deps.sender;
    deps.logger.warn('SMS turn slower than the deadline, the replies will go by REST', {
      tenant: territory.id,
      channel,
      deadlineMs,
    });
    void turn
      .then(
        (result: TurnResult) => result.replies,
        (error: unknown) => {
          deps.logger.error('late SMS turn failed, sending the degraded message', {
            tenant: territory.id,
            channel,
            error: String(error),
          });
          return deps.engine.degradedReplies(territory.id);
        },
      )
      .then(async (replies) => {
        for (const body of render(replies)) {
          if (channel === 'whatsapp') await sender.sendWhatsApp(address, bareAddress(hook.To), body);
          else await sender.sendSms(address, bareAddress(hook.To), body);
        }
      })
      .catch((error: unknown) =>
        deps.logger.error('late SMS reply could not be sent', {
          tenant: territory.id,
          channel,
          error: String(error),
        }),
      );
  });

  /** STOP / START: recorded on the contact and in the transcript; returns false to let the engine answer. */
  async function handleKeyword(
    keyword: NonNullable<ReturnType<typeof keywordOf>>,
    hook: SmsWebhook,
    territory: Territory,
    channel: SmsChannel,
    address: string,
    res: Response,
    render: (replies: readonly Reply[]) => string[],
  ): Promise<boolean> {
    if (keyword === 'opt_in_if_stopped') {
      // "OUI" is mostly a plain yes: look for our STOP confirmation without creating anything.
      const existing = await deps.store.findConversation({ tenantId: territory.id, channel, address });
      if (!existing) return false;
      const recent = await deps.store.listMessages(territory.id, existing.id, { limit: 5 });
      const lastOut = [...recent].reverse().find((m) => m.direction !== 'in');
      if (!isOptOutConfirmation(lastOut?.payload)) return false;
    }
    const conversation = await deps.store.openConversation({ tenantId: territory.id, channel, address });
    const optOut = keyword === 'opt_out';
    const text = optOut ? optOutText(territory.name) : optInText(territory.name);
    // A retried webhook answers the same without writing twice.
    const claim = await deps.idempotency.claim(
      `twilio-keyword:${territory.id}:${channel}:${hook.MessageSid}`,
      24 * 3600,
    );
    if (claim.status === 'claimed') {
      await deps.store.setContactOptOut(territory.id, conversation.contactId, optOut);
      await deps.store.commitTurn({
        tenantId: territory.id,
        conversationId: conversation.id,
        messages: [
          { direction: 'in', text: hook.Body, providerMessageId: hook.MessageSid },
          {
            direction: 'out',
            text,
            payload: { type: 'text', text, ...(optOut ? { mark: OPT_OUT_MARK } : {}) },
          },
        ],
        requests: [],
        outbox: [],
      });
      await deps.idempotency.complete(
        `twilio-keyword:${territory.id}:${channel}:${hook.MessageSid}`,
        'done',
        24 * 3600,
      );
      deps.logger.info(optOut ? 'contact opted out of notifications' : 'contact opted back in', {
        tenant: territory.id,
        channel,
      });
    }
    sendTwiml(res, messagingTwiml(render([{ type: 'text', text }])));
    return true;
  }

  return router;
}

const isOptOutConfirmation = (payload: unknown): boolean =>
  typeof payload === 'object' && payload !== null && (payload as { mark?: unknown }).mark === OPT_OUT_MARK;
