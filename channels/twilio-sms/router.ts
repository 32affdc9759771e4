// POST /channels/twilio/sms — SMS and WhatsApp through Twilio (a `whatsapp:` sender means WhatsApp).
// Verify the signature → parse → tenant from the number called → the sender's rate limit → engine turn
// (STOP/START as this channel's command, under the same lock) → TwiML. The engine claims MessageSid
// atomically, so a retried webhook gets the same replies and no second side effect. A turn slower than
// the deadline (bot/turn-answer.ts) is answered with an empty <Response/> and its replies go by REST.
import { Router, type RequestHandler } from 'express';
import type { Engine } from '../../bot/engine';
import { GuichetError } from '../../bot/errors';
import type { Logger } from '../../bot/logger';
import type { Reply, TurnResult } from '../../bot/messages';
import type { ConversationStateStore, IdempotencyStore } from '../../bot/ports';
import { answerTurn, DEFAULT_REPLY_DEADLINE_MS } from '../../bot/turn-answer';
import type { TerritoryProvider } from '../../knowledge/territory';
import { isMoreRequest } from '../render/sms-pages';
import {
  LateDeliveries,
  badRequest,
  bareAddress,
  logUnknownNumber,
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
import { SmsPages } from './pages';
import {
  bodiesOf,
  needsRest,
  outgoingOf,
  sendByRest,
  type MessagingChannel,
  type Outgoing,
} from './outgoing';
import { SmsWebhookSchema, locationOf, mediaOf, textOf } from './schema';
import { emptyMessagingTwiml, messagingTwiml } from './twiml';

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
  /**
   * Where the pages of a long SMS answer wait for "SUITE" (the conversation state store). Without it,
   * every page is sent at once.
   */
  state?: ConversationStateStore;
  /** MMS/WhatsApp photos fetched and stored; without it a photo's Twilio URL is passed as it came. */
  media?: Omit<TwilioMediaOptions, 'accountSid' | 'authToken'>;
}

const UNKNOWN_NUMBER_TEXT =
  'Ce numéro n’est relié à aucun service en ligne. Merci de contacter directement votre mairie. / This number is not connected to any service.';

/** Where the router below answers the webhook: Twilio calls `<PUBLIC_URL>/channels/twilio/sms`. */
export const SMS_WEBHOOK_PATH = '/sms';

/** The router of the webhook: its handlers at SMS_WEBHOOK_PATH (built here unless the app shares them). */
export function createTwilioSmsRouter(
  deps: TwilioSmsDeps,
  webhook: readonly RequestHandler[] = createTwilioSmsWebhook(deps),
): Router {
  const router = Router();
  router.post(SMS_WEBHOOK_PATH, ...webhook);
  return router;
}

/**
 * The webhook's handlers — form, signature, turn — for the router above and for the app's direct lookup of the
 * path (server/exact-routes.ts), which share them.
 */
export function createTwilioSmsWebhook(deps: TwilioSmsDeps): RequestHandler[] {
  const late = new LateDeliveries(deps.idempotency);
  const deadlineMs = deps.replyDeadlineMs ?? DEFAULT_REPLY_DEADLINE_MS;
  const guard = twilioSignatureGuard(deps.auth, deps.logger, 'SMS/WhatsApp');
  const pages = deps.state ? new SmsPages(deps.state) : undefined;

  const handleSms: RequestHandler = async (req, res) => {
    const parsed = SmsWebhookSchema.safeParse(req.body ?? {});
    if (!parsed.success) throw badRequest(parsed.error);
    const hook = parsed.data;
    const media = mediaOf(hook);
    if ('error' in media) throw new GuichetError('BAD_REQUEST', `Invalid Twilio webhook: ${media.error}`);

    const channel: MessagingChannel = /^whatsapp:/i.test(hook.From) ? 'whatsapp' : 'sms';
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
    const render = (answered: readonly Reply[]): Outgoing => {
      const replies: readonly Reply[] = notice ? [{ type: 'text', text: notice }, ...answered] : answered;
      return outgoingOf(replies, {
        channel,
        territory,
        paging: pages !== undefined,
        templates: deps.sender?.sendWhatsAppContent !== undefined,
      });
    };
    const from = bareAddress(hook.To);
    const send = (sender: ReplySender, outgoing: Outgoing) =>
      sendByRest(sender, channel, address, from, outgoing.messages, (error) =>
        deps.logger.warn('WhatsApp menu template refused, sent as numbered text', {
          tenant: territory.id,
          error: String(error),
        }),
      );
    // After a new answer, its pages replace whatever an earlier one left; a page sent on "SUITE" does not.
    let servedPage = false;
    const keepPages = async (result: TurnResult, bodies: Outgoing) => {
      if (!pages || channel !== 'sms' || servedPage) return;
      // An answer of the dialogue recorded this message as the conversation's last one, which already puts
      // any earlier pages out of date (pages.ts): nothing to store, nothing to read. A channel command
      // (STOP…) or a message forwarded to an agent leaves that record as it was: earlier pages are deleted.
      if (bodies.later.length === 0 && !keyword && !result.forwardedToAgent) return;
      // The answer is committed: a state store blip loses the later pages ("SUITE" then says there are
      // none), never the first one.
      await pages
        .replace(result.conversationId, bodies.later, hook.MessageSid)
        .catch((error: unknown) =>
          deps.logger.error('SMS pages could not be stored', { tenant: territory.id, error: String(error) }),
        );
    };

    // STOP / START: a command of this channel, run by the engine under the conversation's lock.
    const keyword = hook.NumMedia === 0 ? keywordOf(hook.Body) : undefined;
    // "SUITE": the next page of the last answer, never a sentence for the dialogue to interpret.
    const more = channel === 'sms' && pages && !keyword && hook.NumMedia === 0 && isMoreRequest(hook.Body);
    const answer = await answerTurn(
      deps.engine,
      {
        tenantId: territory.id,
        channel,
        address,
        providerMessageId: hook.MessageSid,
        text: textOf(hook),
        ...(received.media.length > 0 ? { media: received.media } : {}),
        ...(locationOf(hook) ? { location: locationOf(hook) } : {}),
      },
      {
        // Without a REST sender nothing could deliver a late answer: the webhook waits for the turn.
        deadlineMs: deps.sender ? deadlineMs : undefined,
        command: keyword
          ? optOutCommand(keyword, deps.logger)
          : more
            ? pages.command(() => {
                servedPage = true;
              })
            : undefined,
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
      const outgoing = render(answer.result.replies);
      // A replayed answer (a retried webhook) already stored its pages, and "SUITE" may have taken some since.
      if (!answer.result.replayed) await keepPages(answer.result, outgoing);
      const sender = deps.sender;
      if (!sender || !needsRest(outgoing.messages)) {
        sendTwiml(res, messagingTwiml(bodiesOf(outgoing.messages)));
        return;
      }
      // A tappable menu: answered by REST, once even if Twilio retries the webhook meanwhile.
      const mine = await late.claim(territory.id, channel, hook.MessageSid);
      sendTwiml(res, emptyMessagingTwiml());
      if (!mine) return;
      await send(sender, outgoing).catch((error: unknown) =>
        deps.logger.error('WhatsApp reply could not be sent', { tenant: territory.id, error: String(error) }),
      );
      return;
    }
    if (answer.kind === 'failed') {
      deps.logger.error('SMS turn failed, answering the degraded message', {
        tenant: territory.id,
        channel,
        error: String(answer.error),
      });
      sendTwiml(res, messagingTwiml(bodiesOf(render(answer.replies).messages)));
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
        const outgoing = render(replies);
        if (settled.kind === 'replies') await keepPages(settled.result, outgoing);
        await send(sender, outgoing);
      })
      .catch((error: unknown) =>
        deps.logger.error('late SMS reply could not be sent', {
          tenant: territory.id,
          channel,
          error: String(error),
        }),
      );
  };

  return [twilioForm, guard, handleSms];
}
