// POST /channels/twilio/sms — SMS and WhatsApp through Twilio (a `whatsapp:` sender means WhatsApp).
// Verify the signature → parse → tenant from the number called → the sender's rate limit → engine turn
// (STOP/START as this channel's command, under the same lock) → TwiML. The engine claims MessageSid
// atomically, so a retried webhook gets the same replies and no second side effect. A turn slower than
// the deadline (bot/turn-answer.ts) is answered with an empty <Response/> and its replies go by REST.
import { Router } from 'express';
import type { Engine } from '../../bot/engine';
import { GuichetError } from '../../bot/errors';
import type { Logger } from '../../bot/logger';
import type { Reply } from '../../bot/messages';
import type { IdempotencyStore } from '../../bot/ports';
import { answerTurn, DEFAULT_REPLY_DEADLINE_MS } from '../../bot/turn-answer';
import type { TerritoryProvider } from '../../knowledge/territory';
import { renderSms } from '../render/sms';
import {
  LateDeliveries,
  badRequest,
  bareAddress,
  emptyMessagingTwiml,
  logUnknownNumber,
  messagingTwiml,
  sendTwiml,
  senderRefusal,
  territoryForNumber,
  twilioForm,
  twilioSignatureGuard,
  type ReplySender,
  type SenderLimit,
  type TwilioAuthConfig,
} from '../twilio-common';
import { mediaProblemText, receiveTwilioMedia, type TwilioMediaOptions } from './media';
import { keywordOf, optOutCommand } from './opt-out';
import { SmsWebhookSchema, locationOf, mediaOf } from './schema';

export interface TwilioSmsDeps {
  engine: Engine;
  idempotency: IdempotencyStore;
  territories: TerritoryProvider;
  auth: TwilioAuthConfig;
  logger: Logger;
  /** REST sender for replies later than the deadline; without it the webhook waits for the turn. */
  sender?: ReplySender;
  /** TWILIO_REPLY_DEADLINE_MS (default: bot/turn-answer.ts). */
  replyDeadlineMs?: number;
  /** The per-sender rate limit, counted here, once the signature is verified (server/security). */
  senderLimit?: SenderLimit;
  /** MMS/WhatsApp photos fetched and stored; without it a photo's Twilio URL is passed as it came. */
  media?: Omit<TwilioMediaOptions, 'accountSid' | 'authToken'>;
}

type SmsChannel = 'sms' | 'whatsapp';

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
    const refusal = await senderRefusal(deps.senderLimit, 'messaging', hook.From);
    if (refusal) {
      sendTwiml(res, refusal);
      return;
    }
    // Photos first: the turn gets the stored copies; what did not arrive is said before the answer.
    const received =
      deps.media && media.media.length > 0
        ? await receiveTwilioMedia(media.media, territory.id, {
            ...deps.media,
            accountSid: deps.auth.accountSid,
            authToken: deps.auth.authToken,
          })
        : { media: media.media, problems: [] };
    if (received.problems.length > 0)
      deps.logger.warn('MMS/WhatsApp media not received', {
        tenant: territory.id,
        problems: received.problems,
      });
    const notice = deps.media ? mediaProblemText(received.problems, deps.media.intake.maxBytes) : undefined;
    const render = (answered: readonly Reply[]) => {
      const replies: readonly Reply[] = notice ? [{ type: 'text', text: notice }, ...answered] : answered;
      return renderSms(replies, {
        channel,
        transliterate: territory.sms.transliterate,
        segmentBudget: territory.sms.segmentBudget,
        notice: territory.notice.shortText,
      });
    };

    // STOP / START: a command of this channel, run by the engine under the conversation's lock.
    const keyword = hook.NumMedia === 0 ? keywordOf(hook.Body) : undefined;
    const answer = await answerTurn(
      deps.engine,
      {
        tenantId: territory.id,
        channel,
        address,
        providerMessageId: hook.MessageSid,
        text: hook.Body,
        ...(received.media.length > 0 ? { media: received.media } : {}),
        ...(locationOf(hook) ? { location: locationOf(hook) } : {}),
      },
      {
        // Without a REST sender nothing could deliver a late answer: the webhook waits for the turn.
        deadlineMs: deps.sender ? deadlineMs : undefined,
        command: keyword ? optOutCommand(keyword, deps.logger) : undefined,
      },
    );
    if (answer.kind === 'replies') {
      // A retry of a message already answered by REST must not get the same replies again by TwiML.
      if (
        answer.result.replayed &&
        deps.sender &&
        (await late.wasSentByRest(territory.id, channel, hook.MessageSid))
      ) {
        sendTwiml(res, emptyMessagingTwiml());
        return;
      }
      sendTwiml(res, messagingTwiml(render(answer.result.replies)));
      return;
    }
    if (answer.kind === 'failed') {
      deps.logger.error('SMS turn failed, answering the degraded message', {
        tenant: territory.id,
        channel,
        error: String(answer.error),
      });
      sendTwiml(res, messagingTwiml(render(answer.replies)));
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
    void answer.later
      .then(async (settled) => {
        if (settled.kind === 'failed')
          deps.logger.error('late SMS turn failed, sending the degraded message', {
            tenant: territory.id,
            channel,
            error: String(settled.error),
          });
        const replies = settled.kind === 'replies' ? settled.result.replies : settled.replies;
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

  return router;
}
