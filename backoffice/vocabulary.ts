// What people read instead of internal ids: request types and incident categories (declared by the public
// services), statuses, communes and authorities (the territory), channels and roles. The console and any
// integration ask GET /api/v1/vocabulary once and show labels; nothing in the back office shows `report_incident`,
// `montcey-sur-loue` or `supervisor` to an agent.
import { z } from 'zod';
import { registeredChannels, REQUEST_SOURCES } from '../bot/channel-capabilities';
import { say, type Locale } from '../bot/i18n';
import type { RecordedRequestType } from '../bot/intent-module';
import type { Territory } from '../knowledge/territory';
import type { RequestStatus } from '../bot/ports';
import { INTERVENTION_STATUS_LABELS, PRIORITY_LABELS } from './interventions';
import type { RequestEventKind } from './schemas';

const Labels = z.record(z.string(), z.string());

export const VocabularyViewSchema = z.object({
  statuses: Labels,
  requestTypes: Labels,
  /** Incident categories, keyed 'type:category' and by category alone. */
  categories: Labels,
  communes: Labels,
  authorities: Labels,
  channels: Labels,
  roles: Labels,
  eventKinds: Labels,
  /** The tenant's teams (services) by id. */
  teams: Labels,
  /** The tenant's agents (people) by id: who a request is assigned to. */
  agents: Labels,
  /** Interventions (work orders): their states and priorities. */
  interventionStatuses: Labels,
  priorities: Labels,
  timeZone: z.string(),
});
export type VocabularyView = z.infer<typeof VocabularyViewSchema>;

const STATUSES: Record<RequestStatus, string> = {
  received: 'Reçue',
  in_progress: 'En cours',
  resolved: 'Résolue',
  rejected: 'Rejetée',
};

const ROLES = { agent: 'Agent', supervisor: 'Responsable', admin: 'Administrateur' };

const EVENT_KINDS: Record<RequestEventKind, string> = {
  status: 'Changement de statut',
  note: 'Note interne',
  assignment: 'Attribution',
  reply: 'Message au demandeur',
  transfer: 'Transfert',
  intervention: 'Intervention',
};

/** Where a request came from without a conversation channel. */
const SOURCES: Record<(typeof REQUEST_SOURCES)[number], string> = {
  api: 'API',
  open311: 'Open311',
  email: 'Courriel',
  backoffice: 'Console',
};

/** Channel labels for people, in French where the channel's own label is not. */
const CHANNEL_FR: Record<string, string> = { webchat: 'Chat du site', botframework: 'Teams' };

export function vocabularyFor(
  territory: Territory | undefined,
  requestTypes: readonly RecordedRequestType[],
  locale: Locale = 'fr',
  people: { teams?: { id: string; name: string }[]; agents?: { id: string; name: string }[] } = {},
): VocabularyView {
  const types: Record<string, string> = {};
  const categories: Record<string, string> = {};
  for (const t of requestTypes) {
    types[t.type] = say(t.label, locale);
    for (const [id, label] of Object.entries(t.categories ?? {})) {
      categories[`${t.type}:${id}`] = say(label, locale);
      categories[id] ??= say(label, locale);
    }
  }
  const channels: Record<string, string> = { ...SOURCES };
  for (const c of registeredChannels()) channels[c.name] = CHANNEL_FR[c.name] ?? c.label;
  return {
    statuses: { ...STATUSES },
    requestTypes: types,
    categories,
    communes: Object.fromEntries((territory?.communes ?? []).map((c) => [c.id, c.name])),
    authorities: Object.fromEntries((territory?.authorities ?? []).map((a) => [a.id, a.name])),
    channels,
    roles: { ...ROLES },
    eventKinds: { ...EVENT_KINDS },
    teams: Object.fromEntries((people.teams ?? []).map((t) => [t.id, t.name])),
    agents: Object.fromEntries((people.agents ?? []).map((a) => [a.id, a.name])),
    interventionStatuses: { ...INTERVENTION_STATUS_LABELS },
    priorities: { ...PRIORITY_LABELS },
    timeZone: territory?.timeZone ?? 'Europe/Paris',
  };
}
