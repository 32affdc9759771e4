// STOP / START keywords. Operators (and Twilio, for some countries) act on them too, but the opt-out
// must also be recorded here so that notifications about requests stop being sent to the contact.
import { phrase, say, type Locale } from '../../bot/i18n';

const OPT_OUT = new Set(['STOP', 'ARRET', 'STOPALL', 'UNSUBSCRIBE', 'STOP SMS']);
const OPT_IN = new Set(['START', 'UNSTOP']);
/** "YES" re-subscribes only as an answer to our opt-out message; elsewhere it is an ordinary "yes". */
const OPT_IN_AFTER_STOP = new Set(['YES', 'OUI']);

export type Keyword = 'opt_out' | 'opt_in' | 'opt_in_if_stopped';

/** The whole message must be the keyword ("Stop", "arrêt !"), not a sentence containing it. */
export function keywordOf(body: string): Keyword | undefined {
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
      `C’est noté : vous ne recevrez plus de messages de ${territoryName}. Pour les recevoir à nouveau, envoyez START.`,
      `Done: you will no longer receive messages from ${territoryName}. To receive them again, send START.`,
    ),
    locale,
  );

export const optInText = (territoryName: string, locale: Locale = 'fr'): string =>
  say(
    phrase(
      `C’est noté : vous recevrez à nouveau les messages de ${territoryName}. Envoyez STOP pour les arrêter.`,
      `Done: you will receive messages from ${territoryName} again. Send STOP to stop them.`,
    ),
    locale,
  );
