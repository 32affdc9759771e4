// "La déchetterie est ouverte samedi ?": answers from structured data only (the territory's
// opening_hours, public holidays, dated exceptions), in the territory's time zone.
import { phrase } from '../../bot/i18n';
import type { IntentModule, ServiceDescription } from '../../bot/intent-module';
import type { Choice } from '../../bot/messages';
import type { TurnContext } from '../../bot/turn-context';
import {
  describeDay,
  describeStatus,
  formatClock,
  hoursOn,
  isoDateIn,
  weekSummary,
} from '../../knowledge/opening-hours';
import { fold } from '../../knowledge/retrieval';
import { findCommune, foldedNames, hasWords, type Facility, type Territory } from '../../knowledge/territory';
import { territoryOf, type IntentDeps } from '../deps';
import { cachedAnswer } from './answer-cache';

const AWAIT_FACILITY = 'opening_hours.facility';
/** The place(s) the last answer was about (state.context): a follow-up without a place means them. */
const CONTEXT_FACILITIES = 'opening_hours.facilities';
const FACILITY_CHOICE = 'facility:';

/** "ouverte maintenant ?", "jusqu'à quelle heure", "quand ouvre" → the live status, not the week. */
const STATUS_QUESTION =
  /\b(maintenant|mtn|mnt|en ce moment|actuellement|la tout de suite|now|right now|currently|jusqu a quelle heure|jusqu a quand|until what time|until when|ferme a quelle heure|ferme quand|quand (est ce qu )?(elle |il )?(ouvre|rouvre|reouvre)|prochaine ouverture|next open|when does it (next )?open|open today|ouvert(e)? (aujourd hui|ce (matin|soir|midi|aprem|apres midi)))\b|^\W*(est ce (qu )?(il |elle |que c )?(est )?|c est |c )?(ouvert|ouverte|ferme|fermee|open|closed)\W*$/;

/** "now" itself, in any wording: the answer is the live status even though the NLU also reads a date (today). */
const NOW_QUESTION =
  /\b(maintenant|mtn|mnt|en ce moment|actuellement|la tout de suite|now|right now|currently)\b/;

/** What this service declares (labels, help menu, digression, language-model meaning, README row). */
export const OPENING_HOURS: ServiceDescription = {
  id: 'opening_hours',
  intents: [
    {
      intent: 'opening_hours',
      label: phrase('Connaître des horaires d’ouverture', 'Opening hours'),
      meaning: 'when a public facility (town hall, library, pool, waste collection centre) is open',
      helpMenu: true,
      digression: true,
    },
  ],
  readme: {
    service: 'opening hours',
    gets: '"is it open now / on Saturday / on 14 July / until when / when next", from the territory\'s `opening_hours` values with French public holidays and dated exceptions, in the territory\'s time zone; asks which place when none is named',
  },
};

export function createOpeningHours(deps: IntentDeps): IntentModule {
  return {
    ...OPENING_HOURS,
    async handle(ctx) {
      const territory = territoryOf(deps, ctx);
      const named = matchFacilities(ctx, territory);
      // "est-ce ouvert maintenant ?" right after the mairie's hours: the mairie, not "which place?". A bare
      // "horaires" again is a new question (another place): it gets the list, not the same answer twice.
      const candidates =
        named.length > 0 ? named : refersToLastPlace(ctx) ? facilitiesInContext(ctx, territory) : [];
      const date = ctx.nlu.entities.find((e) => e.type === 'date')?.value;
      answer(ctx, territory, candidates, date);
    },
    followsUp(ctx) {
      // "et samedi ?", "et la piscine ?", "et demain à Vernière ?": a short question naming a place or a day;
      // a day alone ("le 25 ?", "samedi ?", "demain ?") too.
      const words = ctx.message.text.trim().split(/\s+/).length;
      const names = ctx.nlu.entities.some(
        (e) => e.type === 'facility' || e.type === 'date' || e.type === 'commune',
      );
      const dayAlone = words <= 3 && ctx.nlu.entities.some((e) => e.type === 'date');
      return (
        dayAlone || (words <= 8 && names && /^\s*(et|and|puis|aussi|what about)\b/i.test(ctx.message.text))
      );
    },
    async resume(ctx) {
      const territory = territoryOf(deps, ctx);
      const pending = ctx.state.awaiting?.data ?? {};
      const previous = (Array.isArray(pending.candidates) ? pending.candidates : []) as string[];
      let candidates: Facility[] = [];
      const choice = ctx.message.choiceValue;
      if (choice?.startsWith(FACILITY_CHOICE)) {
        const f = territory.facilities.find((x) => x.id === choice.slice(FACILITY_CHOICE.length));
        if (f) candidates = [f];
      } else if (choice?.startsWith('kind:')) {
        candidates = territory.facilities.filter((f) => f.kind === choice.slice(5));
      } else {
        candidates = matchFacilities(ctx, territory, previous);
      }
      // Still about hours without naming a place ("ouvert maintenant ?", "et le 25 ?"): the places
      // the pending question was about, each one's answer to the new question, and the question again.
      if (candidates.length === 0 && !choice && asksAboutHours(ctx)) {
        candidates = territory.facilities.filter((f) => previous.includes(f.id));
        ctx.state.awaiting = null;
        answer(ctx, territory, candidates, ctx.nlu.entities.find((e) => e.type === 'date')?.value);
        return true;
      }
      if (candidates.length === 0) return false;
      ctx.state.awaiting = null;
      const date =
        ctx.nlu.entities.find((e) => e.type === 'date')?.value ??
        (typeof pending.date === 'string' ? pending.date : undefined);
      answer(
        ctx,
        territory,
        candidates,
        date,
        typeof pending.status === 'boolean' ? pending.status : undefined,
      );
      return true;
    },
  };
}

/** The message folded, once per turn (several checks below read it); again if its text was rewritten. */
const foldedMessages = new WeakMap<object, { text: string; folded: string }>();
function folded(ctx: TurnContext): string {
  const { text } = ctx.message;
  let known = foldedMessages.get(ctx.message);
  if (known?.text !== text) {
    known = { text, folded: fold(text) };
    foldedMessages.set(ctx.message, known);
  }
  return known.folded;
}

/** Facilities the message names: by name/alias, else by kind, narrowed by a commune when one is named. */
function matchFacilities(ctx: TurnContext, territory: Territory, within?: string[]): Facility[] {
  const text = ` ${folded(ctx)} `;
  const pool = within ? territory.facilities.filter((f) => within.includes(f.id)) : territory.facilities;
  const byName = pool.filter((f) => foldedNames(f).some((n) => n.length > 3 && hasWords(text, n)));
  const kinds = ctx.nlu.entities.filter((e) => e.type === 'facility').map((e) => e.value);
  const commune = communeOf(ctx, territory);
  let found = byName.length > 0 ? byName : pool.filter((f) => kinds.includes(f.kind));
  // "celle de Vernière" in answer to "which one?": the commune alone picks among the candidates.
  if (found.length === 0 && within && commune) found = pool;
  if (commune && found.length > 1) {
    const local = found.filter((f) => f.communeId === commune);
    if (local.length > 0) found = local;
  }
  return found;
}

/** A follow-up about the place just answered: a day, "now", "et …", or a pronoun ("elle ferme quand ?"). */
function refersToLastPlace(ctx: TurnContext): boolean {
  const text = folded(ctx);
  return (
    ctx.nlu.entities.some((e) => e.type === 'date') ||
    STATUS_QUESTION.test(text) ||
    /^\s*(et|and|what about)\b|\b(elle|il|ca|celle ci|celui ci|it|they)\b/.test(text)
  );
}

/** Whether the message still asks about opening hours (a date, "ouvert ?", or the NLU's reading). */
function asksAboutHours(ctx: TurnContext): boolean {
  return (
    ctx.nlu.intent === 'opening_hours' ||
    ctx.nlu.entities.some((e) => e.type === 'date') ||
    STATUS_QUESTION.test(folded(ctx))
  );
}

function remember(ctx: TurnContext, facilities: readonly Facility[]): void {
  ctx.state.context = {
    kind: CONTEXT_FACILITIES,
    data: { ids: facilities.slice(0, 8).map((f) => f.id) },
    at: ctx.now.toISOString(),
  };
}

/** The places the previous answer was about (the dialogue forgets them after a while). */
function facilitiesInContext(ctx: TurnContext, territory: Territory): Facility[] {
  const context = ctx.state.context;
  if (context?.kind !== CONTEXT_FACILITIES || !Array.isArray(context.data.ids)) return [];
  const ids = context.data.ids as unknown[];
  return territory.facilities.filter((f) => ids.includes(f.id));
}

function communeOf(ctx: TurnContext, territory: Territory): string | undefined {
  const entity = ctx.nlu.entities.find((e) => e.type === 'commune');
  if (entity)
    return findCommune(territory, entity.value)?.id ?? findCommune(territory, entity.text ?? '')?.id;
  const text = ` ${folded(ctx)} `;
  return territory.communes.find((c) => foldedNames(c).some((n) => hasWords(text, n)))?.id;
}

function answer(
  ctx: TurnContext,
  territory: Territory,
  candidates: Facility[],
  date: string | undefined,
  statusAsked?: boolean,
) {
  const statusQuestion = statusAsked ?? STATUS_QUESTION.test(folded(ctx));
  // "ouvert maintenant ?" is about this minute, not about today's hours (the NLU reads "maintenant" as today).
  if (NOW_QUESTION.test(folded(ctx)) && date === isoDateIn(ctx.now, territory.timeZone)) date = undefined;
  if (candidates.length > 0) remember(ctx, candidates);
  if (candidates.length === 0) {
    askWhich(ctx, territory.facilities, { date, status: statusQuestion });
    return;
  }
  if (candidates.length > 1) {
    // Several (e.g. a town hall per commune): each one's status (or hours on the asked date), then a choice.
    const lines = candidates
      .slice(0, 4)
      .map((f) => (date ? `${f.name} : ${dayLine(ctx, territory, f, date)}` : status(ctx, territory, f)));
    ctx.text(lines.join('\n'));
    askWhich(
      ctx,
      candidates,
      { date, status: statusQuestion },
      phrase('Pour le détail, laquelle ?', 'For details, which one?'),
    );
    return;
  }
  const facility = candidates[0]!;
  const locale = ctx.locale;
  const parts: string[] = [];
  if (date)
    parts.push(
      cachedAnswer(territory, ctx.now, `day|${facility.id}|${date}|${locale}`, () =>
        describeDay(facility, territory, date, ctx.now, locale),
      ),
    );
  else if (statusQuestion) parts.push(status(ctx, territory, facility));
  else {
    parts.push(status(ctx, territory, facility));
    parts.push(
      `${ctx.t(phrase('Horaires des 7 prochains jours', 'Hours for the next 7 days'))} :\n${cachedAnswer(territory, ctx.now, `week|${facility.id}|${locale}`, () => weekSummary(facility, territory, ctx.now, locale).join('\n'))}`,
    );
  }
  if (facility.note) parts.push(facility.note);
  ctx.text(parts.join('\n'));
  const details = [
    facility.address
      ? `${facility.address.street}, ${facility.address.postcode} ${facility.address.city}`
      : '',
    facility.phone ? `Tél. ${facility.phone}` : '',
  ]
    .filter(Boolean)
    .join(' — ');
  if (details && !date && !statusQuestion) ctx.text(details);
}

function status(ctx: TurnContext, territory: Territory, facility: Facility): string {
  return cachedAnswer(territory, ctx.now, `status|${facility.id}|${ctx.locale}`, () =>
    describeStatus(facility, territory, ctx.now, ctx.locale),
  );
}

function dayLine(ctx: TurnContext, territory: Territory, facility: Facility, isoDate: string): string {
  const day = hoursOn(facility, territory, isoDate);
  if (!day.open) {
    const why = day.exception
      ? ` (${day.exception.note})`
      : day.holiday
        ? ` (${ctx.t(phrase('férié', 'public holiday'))})`
        : '';
    return `${ctx.t(phrase('fermé', 'closed'))}${why}`;
  }
  return day.intervals
    .map((i) => `${formatClock(i.from, ctx.locale)} – ${formatClock(i.to, ctx.locale)}`)
    .join(', ');
}

function askWhich(
  ctx: TurnContext,
  facilities: readonly Facility[],
  data: { date?: string; status: boolean },
  question = phrase(
    'De quel lieu voulez-vous les horaires ?',
    'Which place do you want the opening hours of?',
  ),
) {
  const choices: Choice[] =
    facilities.length <= 8
      ? facilities.map((f) => ({ label: f.name, value: `${FACILITY_CHOICE}${f.id}` }))
      : [...new Set(facilities.map((f) => f.kind))]
          .slice(0, 8)
          .map((kind) => ({ label: kindLabel(kind, ctx), value: `kind:${kind}` }));
  ctx.state.awaiting = {
    kind: AWAIT_FACILITY,
    data: {
      ...(data.date ? { date: data.date } : {}),
      status: data.status,
      candidates: facilities.map((f) => f.id),
    },
  };
  ctx.choices(question, choices);
}

function kindLabel(kind: string, ctx: TurnContext): string {
  const labels: Record<string, ReturnType<typeof phrase>> = {
    dechetterie: phrase('Déchetterie', 'Recycling centre'),
    mairie: phrase('Mairie', 'Town hall'),
    mediatheque: phrase('Médiathèque', 'Library'),
    piscine: phrase('Piscine', 'Swimming pool'),
  };
  return labels[kind] ? ctx.t(labels[kind]) : kind;
}
