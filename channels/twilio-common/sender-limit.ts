// The per-sender rate limit of the Twilio channels. The channel counts it itself, after its own signature
// check (so a forged webhook cannot spend a citizen's budget and the signature is verified once), with a
// key it chooses; server/security supplies the limiter. Twilio gets TwiML (200, so it does not retry): a
// polite message the first time in a window, nothing after (each SMS sent costs money); a caller hears it.
import twilio from 'twilio';
import { phrase, say } from '../../bot/i18n';

export interface SenderLimit {
  /** Counts one message of `key`; `firstRefusal` is true only for the first refusal of a window. */
  consume(key: string): Promise<{ allowed: boolean; firstRefusal: boolean }>;
}

export const TOO_MANY_MESSAGES = phrase(
  'Vous avez envoyé beaucoup de messages en peu de temps. Merci de patienter une minute avant de réécrire.',
  'You have sent many messages in a short time. Please wait a minute before writing again.',
);
const TOO_MANY_CALLS =
  'Vous avez appelé de nombreuses fois en peu de temps. Merci de rappeler dans quelques minutes. Au revoir.';

/** The TwiML refusal when `from` is over its limit on this medium, undefined when it may go on. */
export async function senderRefusal(
  limit: SenderLimit | undefined,
  medium: 'messaging' | 'voice',
  from: string,
): Promise<string | undefined> {
  if (!limit) return undefined;
  const decision = await limit.consume(`${medium}:${from.trim().slice(0, 64)}`);
  if (decision.allowed) return undefined;
  if (medium === 'voice') {
    const response = new twilio.twiml.VoiceResponse();
    response.say({ language: 'fr-FR' }, TOO_MANY_CALLS);
    response.hangup();
    return response.toString();
  }
  const response = new twilio.twiml.MessagingResponse();
  if (decision.firstRefusal) response.message(say(TOO_MANY_MESSAGES, 'fr'));
  return response.toString();
}
