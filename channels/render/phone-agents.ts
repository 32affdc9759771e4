// What the phone line does when a caller asks for a person — one decision for the real line
// (channels/twilio-voice) and the terminal preview (npm run chat -- --channel voice): during the agents'
// hours (territory.agents.openingHours, territory time zone, public holidays included) the call is
// transferred; otherwise — or when nobody answers the transfer — the caller chooses, by voice or keypad,
// a callback at the next opening, a voice message, or an SMS with the counter's hours and contacts.
import { agentsSchedule } from '../../intents/human-agent';
import { weekSummary } from '../../knowledge/opening-hours';
import type { Territory } from '../../knowledge/territory';
import { choicesSpeech, type VoiceChoice } from './voice';

/** The agents' hours as the human-agent service reads them (one definition for every channel). */
export function agentsAvailable(territory: Territory, now: Date): boolean {
  return agentsSchedule(territory, now).open;
}

/** "demain à 9 h", "lundi 3 mars à 9 h"; undefined when no opening is planned (or they are there now). */
export function nextAgentsOpening(territory: Territory, now: Date): string | undefined {
  return agentsSchedule(territory, now).when;
}

/**
 * "Vous pouvez rappeler demain à 9 h, ou contacter l'accueil au 01 99 00 10 00." — or, during their hours
 * (a transfer nobody answered), that they are busy.
 */
export function callBackText(territory: Territory, now: Date): string {
  if (agentsAvailable(territory, now))
    return `Vous pouvez rappeler un peu plus tard, ou contacter l’accueil au ${territory.contact.phone}.`;
  const next = nextAgentsOpening(territory, now);
  return next
    ? `Vous pouvez rappeler ${next}, ou contacter l’accueil au ${territory.contact.phone}.`
    : `Vous pouvez contacter l’accueil au ${territory.contact.phone}.`;
}

/** The caller's choices when no agent can take the call; their values are the phone line's own. */
export const AWAY_CALLBACK = 'away:callback';
export const AWAY_MESSAGE = 'away:message';
export const AWAY_SMS = 'away:sms';

export type AwayReason = 'closed' | 'unanswered';

/** "à partir de lundi 30 novembre à 9 h" out of hours, "dès que possible" during them. */
export function whenAgentsAnswer(territory: Territory, now: Date): string {
  if (agentsAvailable(territory, now)) return 'dès que possible';
  const next = nextAgentsOpening(territory, now);
  return next ? `à partir de ${next}` : 'dès que possible';
}

export interface AwayMenu {
  /** Said before the menu. */
  say: string[];
  prompt: string;
  choices: VoiceChoice[];
}

/**
 * Why nobody takes the call, then the choices. `sms`: the caller's number can receive an SMS and the
 * territory can send one ('refused': it is a landline or hidden number — the caller is told so).
 */
export function awayMenu(
  territory: Territory,
  now: Date,
  reason: AwayReason,
  sms: 'possible' | 'refused' | 'unavailable',
): AwayMenu {
  const next = nextAgentsOpening(territory, now);
  const why =
    reason === 'unanswered'
      ? 'Aucun agent n’a pu prendre votre appel.'
      : next
        ? `Nos agents ne sont pas disponibles en ce moment. Ils seront de retour ${next}.`
        : 'Nos agents ne sont pas disponibles en ce moment.';
  const choices: VoiceChoice[] = [
    {
      label: reason === 'closed' && next ? 'être rappelé dès leur retour' : 'être rappelé dès que possible',
      value: AWAY_CALLBACK,
      spoken: 'rappel',
    },
    { label: 'laisser un message vocal', value: AWAY_MESSAGE, spoken: 'message' },
  ];
  if (sms === 'possible')
    choices.push({
      label: 'recevoir par SMS nos horaires et nos contacts',
      value: AWAY_SMS,
      spoken: 'SMS',
    });
  const say = [why];
  if (sms === 'refused') say.push('Votre numéro ne peut pas recevoir de SMS.');
  return { say, prompt: 'Que souhaitez-vous ?', choices };
}

/** Said before the transfer. */
export const TRANSFER_TEXT = 'Je vous mets en relation avec un agent. Ne quittez pas.';

/** The preview's rendering of the same decision: what the caller hears, and the transfer if one happens. */
export function personByPhone(
  territory: Territory,
  now: Date,
  sms: 'possible' | 'refused' | 'unavailable',
): { say: string[]; transferTo?: string } {
  if (agentsAvailable(territory, now)) return { say: [TRANSFER_TEXT], transferTo: territory.agents.phone };
  const menu = awayMenu(territory, now, 'closed', sms);
  return { say: [...menu.say, `${menu.prompt} ${choicesSpeech(menu.choices)}`] };
}

/**
 * The SMS a caller may ask for: the counter's hours for the coming week (days with the same hours grouped,
 * closed days left out), its contacts, and how to follow up. Plain apostrophes and hyphens: the message stays
 * in the GSM alphabet (three times longer than UCS-2 in the same segments). `keep` is never cut.
 */
export function informationSms(territory: Territory, now: Date): { text: string; keep: string } {
  const { contact, name } = territory;
  const days = weekSummary({ name: 'accueil', openingHours: contact.hours }, territory, now, 'fr').map(
    (line) => {
      const [day = '', hours = ''] = line.split(' : ');
      return { day, hours: hours.replace(/ – /g, '-') };
    },
  );
  const groups: { from: string; to: string; hours: string }[] = [];
  for (const { day, hours } of days) {
    const last = groups[groups.length - 1];
    if (last && last.hours === hours) last.to = day;
    else groups.push({ from: day, to: day, hours });
  }
  const open = groups
    .filter((g) => !g.hours.startsWith('fermé'))
    .map((g) => `${g.from === g.to ? g.from : `${g.from} à ${g.to.toLowerCase()}`} : ${g.hours}`);
  return {
    text: `${name}. Horaires de l'accueil : ${open.join(' ; ')}.`,
    keep: `Accueil : ${contact.phone}, ${contact.email}. Pour toute demande, répondez à ce SMS : un agent vous répondra ${whenAgentsAnswer(territory, now)}.`,
  };
}
