// When a caller needs a person: transfer during the agents' hours (territory.agents.openingHours, in
// the territory's time zone, public holidays included), otherwise say when to call back.
import { formatInstant, isOpenAt, statusNow, type ScheduleContext } from '../../knowledge/opening-hours';
import type { Territory } from '../../knowledge/territory';

const contextOf = (t: Territory): ScheduleContext => ({
  timeZone: t.timeZone,
  holidays: t.holidays,
  center: t.center,
});

export function agentsAvailable(territory: Territory, now: Date): boolean {
  return isOpenAt({ openingHours: territory.agents.openingHours }, contextOf(territory), now);
}

/** "demain à 9 h", "lundi 3 mars à 9 h"; undefined when no opening is planned. */
export function nextAgentsOpening(territory: Territory, now: Date): string | undefined {
  const status = statusNow({ openingHours: territory.agents.openingHours }, contextOf(territory), now);
  return status.nextOpen ? formatInstant(status.nextOpen, territory.timeZone, now, 'fr') : undefined;
}

/**
 * "Nos agents ne sont pas disponibles en ce moment. Vous pouvez rappeler demain à 9 h." — or, during
 * their hours (a transfer nobody answered), that they are busy.
 */
export function callBackText(territory: Territory, now: Date): string {
  if (agentsAvailable(territory, now))
    return `Nos agents sont tous occupés pour le moment. Vous pouvez rappeler un peu plus tard, ou contacter l’accueil au ${territory.contact.phone}.`;
  const next = nextAgentsOpening(territory, now);
  return next
    ? `Nos agents ne sont pas disponibles en ce moment. Vous pouvez rappeler ${next}, ou contacter l’accueil au ${territory.contact.phone}.`
    : `Nos agents ne sont pas disponibles en ce moment. Vous pouvez contacter l’accueil au ${territory.contact.phone}.`;
}
