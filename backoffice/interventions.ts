// Interventions (work orders) of the technical services: which moves are allowed, how the request's status
// follows its interventions, what the citizen is told, and the French words for people. Pure rules: the store
// applies the transitions under its lock, the API computes the request's status and notices from them.
import { GuichetError } from '../bot/errors';
import { phrase, type Phrase } from '../bot/i18n';
import type { RequestStatus } from '../bot/ports';
import type { InterventionPriority, InterventionStatus, StoredIntervention } from './ports';
import type { RequestView } from './schemas';

export const INTERVENTION_STATUSES = ['planned', 'in_progress', 'done', 'cannot_do'] as const;
export const INTERVENTION_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;

export const INTERVENTION_STATUS_LABELS: Record<InterventionStatus, string> = {
  planned: 'Prévue',
  in_progress: 'En cours',
  done: 'Terminée',
  cannot_do: 'Impossible à réaliser',
};

export const PRIORITY_LABELS: Record<InterventionPriority, string> = {
  low: 'Basse',
  normal: 'Normale',
  high: 'Haute',
  urgent: 'Urgente',
};

const NEXT: Record<InterventionStatus, readonly InterventionStatus[]> = {
  planned: ['in_progress', 'done', 'cannot_do'],
  in_progress: ['done', 'cannot_do'],
  done: [],
  cannot_do: [],
};

/** Refuses a move the work cannot make (a done intervention does not start again), in plain words. */
export function checkTransition(from: InterventionStatus, to: InterventionStatus): void {
  if (NEXT[from].includes(to)) return;
  const fr = `L’intervention est « ${INTERVENTION_STATUS_LABELS[from]} » : elle ne peut pas passer à « ${INTERVENTION_STATUS_LABELS[to]} ».`;
  const en =
    from === to
      ? `The intervention is already ${from}.`
      : `The intervention is ${from}: it cannot become ${to}.`;
  throw new GuichetError('CONFLICT', `${fr} / ${en}`);
}

const OPEN: readonly RequestStatus[] = ['received', 'in_progress'];

/**
 * The request's status after an intervention's change: work planned or started on a request just received puts
 * it in progress; every intervention done resolves it; one that could not be done leaves it for an agent to
 * decide (it is not fixed, so never "resolved" by itself). A closed request keeps its status.
 */
export function requestStatusAfter(
  current: RequestStatus,
  interventions: StoredIntervention[],
): RequestStatus {
  if (!OPEN.includes(current)) return current;
  if (interventions.length > 0 && interventions.every((i) => i.status === 'done')) return 'resolved';
  return 'in_progress';
}

/** "2026-12-12" → "12/12/2026": a calendar day, read as it is written (no time zone can move it). */
export function dayForPeople(day: string): string {
  const [y, m, d] = day.split('-');
  return `${d}/${m}/${y}`;
}

/** What the request is called in a notice: "votre signalement DEM-… (Éclairage public)". */
export interface NoticeSubject {
  request: Pick<RequestView, 'reference'>;
  /** The category's label (or the request type's), in both languages. */
  what: Phrase | null;
  /** An incident report ("signalement") rather than another kind of request ("demande"). */
  report: boolean;
}

function subjectOf(s: NoticeSubject, follower: boolean): Phrase {
  const fr = s.report ? 'signalement' : 'demande';
  const en = s.report ? 'report' : 'request';
  const what = s.what ? phrase(` (${s.what.fr})`, ` (${s.what.en})`) : phrase('', '');
  return follower
    ? phrase(
        `${s.report ? 'le' : 'la'} ${fr} ${s.request.reference}${what.fr} que vous suivez`,
        `the ${en} ${s.request.reference}${what.en} you follow`,
      )
    : phrase(`votre ${fr} ${s.request.reference}${what.fr}`, `your ${en} ${s.request.reference}${what.en}`);
}

/** The notice of a planned intervention. */
export function plannedNotice(s: NoticeSubject, plannedFor: string | null, follower: boolean): Phrase {
  const subject = subjectOf(s, follower);
  if (plannedFor === null)
    return phrase(
      `Une intervention est programmée pour ${subject.fr}. Nous vous préviendrons quand elle sera terminée.`,
      `A repair visit has been scheduled for ${subject.en}. We will tell you when it is done.`,
    );
  const day = dayForPeople(plannedFor);
  return phrase(
    `Une intervention est prévue le ${day} pour ${subject.fr}.`,
    `A repair visit is planned on ${day} for ${subject.en}.`,
  );
}

/** The notice of a finished intervention: "resolved" only when every intervention is done. */
export function doneNotice(s: NoticeSubject, requestStatus: RequestStatus, follower: boolean): Phrase {
  const subject = subjectOf(s, follower);
  const after =
    requestStatus === 'resolved'
      ? phrase(' La demande est maintenant résolue.', ' The request is now resolved.')
      : phrase(' D’autres interventions restent à faire.', ' Other work is still to be done.');
  return phrase(
    `L’intervention est terminée pour ${subject.fr}.${after.fr}`,
    `The repair work is done for ${subject.en}.${after.en}`,
  );
}
