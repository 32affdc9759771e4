// STOP / START keywords. Operators (and Twilio, for some countries) act on them too, but the opt-out
// must also be recorded here so that notifications about requests stop being sent to the contact.
import { ofName } from '../../bot/french';
import type { TurnCommand } from '../../bot/engine';
import { phrase, say, type Locale } from '../../bot/i18n';
import type { Logger } from '../../bot/logger';

const OPT_OUT = new Set(['STOP', 'ARRET', 'STOPALL', 'UNSUBSCRIBE', 'STOP SMS']);
const OPT_IN = new Set(['START', 'UNSTOP']);
/** "YES" re-subscribes only as an answer to our opt-out message; elsewhere it is an ordinary "yes". */
const OPT_IN_AFTER_STOP = new Set(['YES', 'OUI']);

export type Keyword = 'opt_out' | 'opt_in' | 'opt_in_if_stopped';

/** More letters and digits than the longest keyword (UNSUBSCRIBE): no keyword, whatever the punctuation. */
const LONGER_THAN_ANY_KEYWORD = /^(?:[^\p{L}\p{N}]*[\p{L}\p{N}]){12}/u;

/** The whole message must be the keyword ("Stop", "arrêt !"), not a sentence containing it. */
export function keywordOf(body: string): Keyword | undefined {
  // Every SMS passes here: a sentence is ruled out before it is normalised (decomposing accents never makes
  // fewer letters, so this refuses nothing the full test would accept).
  if (LONGER_THAN_ANY_KEYWORD.test(body)) return undefined;
  const k = body
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[^\p{L}\p{N} ]/gu, '')
    .replace(/\s+/g, ' ')
    .trim()
    .toUpperCase();
  if (OPT_OUT.has(k)) return 'opt_out';
  if (OPT_IN.has(k)) return 'opt_in';
  if (OPT_IN_AFTER_STOP.has(k)) return 'opt_in_if_stopped';
  return undefined;
}

/** Marks the confirmation in the transcript, so a later "YES" can be recognised as re-subscribing. */
export const OPT_OUT_MARK = 'twilio.opt_out';

export const optOutText = (territoryName: string, locale: Locale = 'fr'): string =>
  say(
    phrase(
      `C’est noté : vous ne recevrez plus de messages ${ofName(territoryName)}. Pour les recevoir à nouveau, envoyez START.`,
      `Done: you will no longer receive messages from ${territoryName}. To receive them again, send START.`,
    ),
    locale,
  );

export const optInText = (territoryName: string, locale: Locale = 'fr'): string =>
  say(
    phrase(
      `C’est noté : vous recevrez à nouveau les messages ${ofName(territoryName)}. Envoyez STOP pour les arrêter.`,
      `Done: you will receive messages from ${territoryName} again. Send STOP to stop them.`,
    ),
    locale,
  );

/**
 * STOP / START as a command of this channel, which the engine runs under the conversation's lock and
 * idempotency claim (a retried webhook is answered the same and recorded once): the contact's opt-out,
 * then the transcript, in order with the turns around it. "OUI" re-subscribes only right after our STOP
 * confirmation; otherwise it is not a command and the dialogue answers it.
 */
export function optOutCommand(keyword: Keyword, logger: Logger): TurnCommand {
  return async (ctx) => {
    const { tenant, conversation, sharedStore } = ctx;
    if (keyword === 'opt_in_if_stopped') {
      // Every "oui" of a form comes here. The state written by a dialogue turn (lastMessageId) tells when the last
      // answer cannot be our STOP confirmation (it carries the mark until the dialogue answers again): no
      // transcript read then. A fresh or lost state, or the mark itself, asks the transcript, as before.
      if (ctx.state.lastMessageId !== null && ctx.state.commandMark !== OPT_OUT_MARK) return undefined;
      const recent = await sharedStore.listMessages(tenant.id, conversation.id, { limit: 5 });
      const lastOut = [...recent].reverse().find((m) => m.direction !== 'in');
      if (!isOptOutConfirmation(lastOut?.payload)) return undefined;
    }
    const optOut = keyword === 'opt_out';
    const text = optOut ? optOutText(tenant.name) : optInText(tenant.name);
    await sharedStore.setContactOptOut(tenant.id, conversation.contactId, optOut);
    logger.info(optOut ? 'contact opted out of notifications' : 'contact opted back in', {
      tenant: tenant.id,
      channel: ctx.message.channel,
    });
    return {
      replies: [{ type: 'text', text }],
      ...(optOut ? { mark: OPT_OUT_MARK } : {}),
      transcript: [
        {
          direction: 'out',
          text,
          payload: { type: 'text', text, ...(optOut ? { mark: OPT_OUT_MARK } : {}) },
        },
      ],
    };
  };
}

const isOptOutConfirmation = (payload: unknown): boolean =>
  typeof payload === 'object' && payload !== null && (payload as { mark?: unknown }).mark === OPT_OUT_MARK;
