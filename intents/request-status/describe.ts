// How a request is told to the citizen who follows it: status words (French and English), dated
// history, next step. Only what the reference holder may see: no names, contacts or exact address.
import { DateTime } from 'luxon';
import { phrase, type Phrase } from '../../bot/i18n';
import type { Reply } from '../../bot/messages';
import type { RequestRecord, RequestStatus } from '../../bot/ports';
import type { TurnContext } from '../../bot/turn-context';
import type { Territory } from '../../knowledge/territory';
import { CATEGORY_LABELS, isIncidentCategory } from '../common/incident-categories';

export const STATUS_LABELS: Record<RequestStatus, Phrase> = {
  received: phrase('reçue', 'received'),
  in_progress: phrase('en cours de traitement', 'in progress'),
  resolved: phrase('résolue', 'resolved'),
  rejected: phrase('rejetée', 'rejected'),
};

export function typeLabel(ctx: TurnContext, territory: Territory, request: RequestRecord): string {
  const type = territory.requestTypes.find((t) => t.id === request.type);
  const base = type ? ctx.t(phrase(type.label, type.labelEn ?? type.label)) : request.type;
  const category = request.payload.category;
  return isIncidentCategory(category) ? `${base} — ${ctx.t(CATEGORY_LABELS[category])}` : base;
}

export const formatDate = (date: Date, timeZone: string, withTime = true): string =>
  DateTime.fromJSDate(date, { zone: timeZone }).toFormat(withTime ? 'dd/MM/yyyy HH:mm' : 'dd/MM/yyyy');

function nextStep(request: RequestRecord, territory: Territory): Phrase {
  const authority = territory.authorities.find((a) => a.id === request.authorityId);
  const who = authority?.name ?? territory.name;
  const reach = authority?.phone ?? territory.contact.phone;
  switch (request.status) {
    case 'received':
      return phrase(`Elle va être examinée par : ${who}.`, `It will be reviewed by: ${who}.`);
    case 'in_progress':
      return phrase(
        `${who} s’en occupe ; vous serez informé de la suite.`,
        `${who} is handling it; you will be told what happens next.`,
      );
    case 'resolved':
      return phrase(
        'Rien à faire de votre côté. Si le problème persiste, vous pouvez faire une nouvelle demande.',
        'Nothing to do on your side. If the problem persists, you can make a new request.',
      );
    case 'rejected':
      return phrase(
        `Pour en savoir plus, contactez ${who} au ${reach}.`,
        `To find out more, contact ${who} on ${reach}.`,
      );
  }
}

/** The card answering "where is my request?". */
export function statusCard(ctx: TurnContext, territory: Territory, request: RequestRecord): Reply {
  const tz = territory.timeZone;
  const history = request.events
    .map(
      (e) =>
        `${formatDate(e.createdAt, tz)} : ${ctx.t(STATUS_LABELS[e.status])}${e.note ? ` (${e.note})` : ''}`,
    )
    .join(' ; ');
  const commune = territory.communes.find((c) => c.id === request.communeId)?.name;
  const fields = [
    {
      label: ctx.t(phrase('Objet', 'Subject')),
      value: typeLabel(ctx, territory, request) + (commune ? ` (${commune})` : ''),
    },
    { label: ctx.t(phrase('Statut', 'Status')), value: ctx.t(STATUS_LABELS[request.status]) },
    { label: ctx.t(phrase('Déposée le', 'Submitted on')), value: formatDate(request.createdAt, tz) },
    { label: ctx.t(phrase('Historique', 'History')), value: history || formatDate(request.createdAt, tz) },
    { label: ctx.t(phrase('Prochaine étape', 'Next step')), value: ctx.t(nextStep(request, territory)) },
  ];
  return {
    type: 'card',
    title: ctx.t(phrase(`Demande ${request.reference}`, `Request ${request.reference}`)),
    fields,
  };
}

/** One line per request, for the list of a contact's latest requests. */
export const requestLine = (ctx: TurnContext, territory: Territory, request: RequestRecord): string =>
  `${request.reference} — ${typeLabel(ctx, territory, request)}, ${formatDate(request.createdAt, territory.timeZone, false)} (${ctx.t(STATUS_LABELS[request.status])})`;
