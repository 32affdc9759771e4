// The last safety net of the Twilio webhooks: when the store or the state store is down, whatever part
// of a channel failed (a voice session read, a STOP keyword write…), the caller still gets the degraded
// answer — the counter's phone number and hours — as TwiML, never a JSON 503 that Twilio reads out as
// "an application error has occurred". Mounted (as an error handler) after the routers; other errors pass through.
import type { ErrorRequestHandler } from 'express';
import twilio from 'twilio';
import type VoiceResponse from 'twilio/lib/twiml/VoiceResponse';
import type { Engine } from '../../bot/engine';
import type { Logger } from '../../bot/logger';
import { replyToPlainText } from '../../bot/messages';
import { isServiceUnavailable } from '../../bot/turn-answer';
import { sendTwiml } from '../../channels/twilio-common';
import type { TerritoryProvider } from '../../knowledge/territory';

type SayVoice = NonNullable<VoiceResponse.SayAttributes['voice']>;

const GENERIC =
  'Le service est momentanément indisponible. Merci de rappeler dans quelques minutes ou de contacter directement votre mairie.';

export interface TwilioFallbackOptions {
  engine: Engine;
  territories: TerritoryProvider;
  logger: Logger;
  /** TWILIO_VOICE */
  voice: string;
}

export function createTwilioFallback(options: TwilioFallbackOptions): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (!isServiceUnavailable(error) || res.headersSent) return next(error);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const territory =
      typeof body.To === 'string' ? options.territories.current().byTwilioNumber(body.To) : undefined;
    const text = territory
      ? options.engine.degradedReplies(territory.id).map(replyToPlainText).join(' ')
      : GENERIC;
    options.logger.error('Twilio webhook failed on a dependency, answering the degraded message', {
      path: req.path,
      tenant: territory?.id,
      error: error instanceof Error ? error.message : String(error),
    });
    let xml: string;
    if (req.path.startsWith('/voice')) {
      const response = new twilio.twiml.VoiceResponse();
      response.say({ language: 'fr-FR', voice: options.voice as SayVoice }, text);
      response.hangup();
      xml = response.toString();
    } else {
      const response = new twilio.twiml.MessagingResponse();
      response.message(text);
      xml = response.toString();
    }
    sendTwiml(res, xml);
  };
}
