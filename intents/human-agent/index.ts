// "Je veux parler à quelqu'un": the conversation joins the agents' queue with a summary, and the
// citizen is told honestly when someone will answer. Outside the agents' hours (territory.agents.openingHours,
// in the territory's time zone) the citizen is told when they are back and offered a callback or an SMS
// follow-up (or to leave a message here); the choice goes to the agents with the summary.
import { channelCapabilities } from '../../bot/channel-capabilities';
import { phrase, type Phrase } from '../../bot/i18n';
import { phoneForPeople, toE164 } from '../../bot/phone-numbers';
import type { IntentModule, ServiceDescription } from '../../bot/intent-module';
import type { TurnContext } from '../../bot/turn-context';
import { formatInstant, statusNow } from '../../knowledge/opening-hours';
import type { Territory } from '../../knowledge/territory';
import { territoryOf, type IntentDeps } from '../deps';

const AWAIT_FOLLOW_UP = 'human_agent.follow_up';
const AWAIT_PHONE = 'human_agent.phone';

type FollowUp = { kind: 'callback' | 'sms' | 'message'; phone?: string };

function enqueue(ctx: TurnContext, territory: Territory, extra: Record<string, unknown> = {}): void {
  ctx.effects.conversation.owner = 'queue';
  ctx.effects.outbox.push({
    kind: 'conversation.handover',
    payload: {
      tenantId: territory.id,
      conversationId: ctx.conversation.id,
      channel: ctx.message.channel,
      // The citizen's question and what the bot collected, as people read them (not the menu choice
      // that asked for a person, nor intent ids).
      summary: { ...ctx.handoverBrief(), ...extra },
    },
    dedupeKey: `handover:${ctx.conversation.id}:${ctx.now.getTime()}`,
  });
  ctx.state.form = null;
}

/** How many citizens wait before this one; unknown (no line said) when the store cannot tell. */
async function waitingAhead(ctx: TurnContext): Promise<number | undefined> {
  try {
    const waiting = await ctx.sharedStore.countWaitingConversations(ctx.tenant.id);
    // Asking again while already waiting: not before oneself.
    return Math.max(0, waiting - (ctx.conversation.owner === 'queue' ? 1 : 0));
  } catch {
    return undefined;
  }
}

/** " Vous êtes le prochain." / " 2 personnes attendent avant vous." — nothing when unknown. */
function queueLine(ahead: number | undefined): Phrase {
  if (ahead === undefined) return phrase('', '');
  if (ahead === 0) return phrase(' Personne n’attend avant vous.', ' Nobody is waiting before you.');
  if (ahead === 1) return phrase(' Une personne attend avant vous.', ' One person is waiting before you.');
  return phrase(` ${ahead} personnes attendent avant vous.`, ` ${ahead} people are waiting before you.`);
}

/**
 * Whether the agents answer now (territory.agents.openingHours, in the territory's time zone) and, when
 * not, when they are back ("lundi à 9 h"), as an instant, and the end of that opening period (a callback
 * promised "à partir de lundi 9 h" is due by then). Also used by the phone line (channels/twilio-voice).
 */
export function agentsSchedule(
  territory: Territory,
  now: Date,
  locale: 'fr' | 'en' = 'fr',
): { open: boolean; when?: string; at?: string; until?: string } {
  const schedule = { openingHours: territory.agents.openingHours };
  const status = statusNow(schedule, territory, now);
  if (status.open) return { open: true, until: status.until?.toISOString() };
  if (!status.nextOpen) return { open: false };
  const then = statusNow(schedule, territory, status.nextOpen);
  return {
    open: false,
    when: formatInstant(status.nextOpen, territory.timeZone, now, locale),
    at: status.nextOpen.toISOString(),
    until: (then.open && then.until ? then.until : status.nextOpen).toISOString(),
  };
}

const agentsBack = (territory: Territory, ctx: TurnContext) => agentsSchedule(territory, ctx.now, ctx.locale);

/** Without agents' hours to go by, "dans la journée": a day from now. */
const DEFAULT_CALLBACK_DELAY_MS = 24 * 60 * 60 * 1000;

function followUpOf(ctx: TurnContext): FollowUp['kind'] | undefined {
  const value = ctx.message.choiceValue;
  if (value === 'follow_up:callback' || value === 'follow_up:sms' || value === 'follow_up:message') {
    return value.slice('follow_up:'.length) as FollowUp['kind'];
  }
  const text = ctx.message.text.toLowerCase();
  if (/rappel|call ?back|t[ée]l[ée]phon/.test(text)) return 'callback';
  if (/\bsms\b|texto|text message/.test(text)) return 'sms';
  if (/message|[ée]cri|attend|wait/.test(text)) return 'message';
  return undefined;
}

/** What this service declares (labels, help menu, digression, language-model meaning, README row). */
export const HUMAN_AGENT: ServiceDescription = {
  id: 'human_agent',
  intents: [
    {
      intent: 'human_agent',
      label: phrase('Parler à un agent', 'Talk to a person'),
      meaning: 'asking to talk to a person',
      helpMenu: true,
      digression: true,
      notAQuestion: true,
    },
  ],
  readme: {
    service: 'human agent',
    gets: "the conversation joins the agents' queue with a summary; outside the agents' hours the citizen is told when someone will answer and offered a callback",
  },
};

export function createHumanAgent(deps: IntentDeps): IntentModule {
  /** Queues the conversation with the chosen follow-up and tells the citizen when to expect it. */
  function confirm(ctx: TurnContext, territory: Territory, followUp: FollowUp): void {
    const back = agentsBack(territory, ctx);
    // promisedBy: when the agents' callback task list shows the promise as overdue.
    const promisedBy =
      followUp.kind === 'callback'
        ? (back.until ?? new Date(ctx.now.getTime() + DEFAULT_CALLBACK_DELAY_MS).toISOString())
        : undefined;
    enqueue(ctx, territory, {
      outsideHours: !back.open,
      nextAgentsOpening: back.at ?? null,
      followUp: promisedBy ? { ...followUp, promisedBy } : followUp,
    });
    // "à partir de lundi 9 h" when the agents' hours say when; "dès que possible" (never "à partir de dès…").
    const when = back.when
      ? phrase(`à partir de ${back.when}`, `from ${back.when}`)
      : phrase('dès que possible', 'as soon as possible');
    const number = followUp.phone ? ` (${phoneForPeople(followUp.phone)})` : '';
    const text =
      followUp.kind === 'callback'
        ? phrase(
            `C’est noté : un agent vous rappellera${number} ${when.fr}.`,
            `Noted: a member of staff will call you back${number} ${when.en}.`,
          )
        : followUp.kind === 'sms'
          ? phrase(
              `C’est noté : un agent vous répondra par SMS${number} ${when.fr}.`,
              `Noted: a member of staff will answer by text message${number} ${when.en}.`,
            )
          : phrase(
              `C’est noté : un agent lira vos messages et vous répondra ici ${when.fr}. Vous pouvez déjà écrire votre question.`,
              `Noted: a member of staff will read your messages and answer here ${when.en}. You can already type your question.`,
            );
    ctx.reply({ type: 'handover', state: 'queued', text: ctx.t(text) });
  }

  return {
    ...HUMAN_AGENT,
    async handle(ctx) {
      const territory = territoryOf(deps, ctx);
      const back = agentsBack(territory, ctx);
      // The phone line has its own flow (channels/twilio-voice: the transfer during the agents' hours,
      // otherwise a callback, a voice message or an SMS): it is asked to put the caller through, and the
      // conversation joins the queue only when a transfer really happens, with the words the caller hears.
      if (ctx.message.channel === 'voice') {
        if (back.open) enqueue(ctx, territory);
        ctx.reply({
          type: 'handover',
          state: 'transfer',
          transferTo: territory.agents.phone,
          // What the caller hears first (the line adds, out of hours, the choices it offers).
          text: back.open
            ? ctx.t(
                phrase('Je vous mets en relation avec un agent.', 'I am putting you through to a person.'),
              )
            : ctx.t(
                phrase(
                  'Nos agents ne sont pas disponibles en ce moment.',
                  'Our staff are not available right now.',
                ),
              ),
        });
        return;
      }
      if (!back.open) {
        ctx.state.awaiting = { kind: AWAIT_FOLLOW_UP, data: {} };
        const when = back.when
          ? ctx.t(phrase(`Ils seront de retour ${back.when}.`, `They will be back ${back.when}.`))
          : '';
        ctx.choices(
          ctx
            .t(
              phrase(
                `Nos agents ne sont pas disponibles en ce moment. ${when} Comment voulez-vous être recontacté ?`,
                `Our staff are not available right now. ${when} How would you like to be contacted?`,
              ),
            )
            .replace(/\s+/g, ' '),
          [
            {
              label: ctx.t(phrase('Être rappelé par téléphone', 'Get a phone call back')),
              value: 'follow_up:callback',
            },
            {
              label: ctx.t(phrase('Recevoir la réponse par SMS', 'Get the answer by text message')),
              value: 'follow_up:sms',
            },
            {
              label: ctx.t(phrase('Laisser un message ici', 'Leave a message here')),
              value: 'follow_up:message',
            },
          ],
        );
        return;
      }
      const ahead = ctx.message.channel === 'voice' ? undefined : await waitingAhead(ctx);
      enqueue(ctx, territory);
      ctx.reply({
        type: 'handover',
        state: 'queued',
        text: ctx.t(
          phrase(
            `Je transmets votre demande à un agent, qui va vous répondre ici.${queueLine(ahead).fr} Merci de patienter.`,
            `I am passing your request to a person, who will answer you here.${queueLine(ahead).en} Please wait.`,
          ),
        ),
      });
    },
    async resume(ctx) {
      const territory = territoryOf(deps, ctx);
      const awaiting = ctx.state.awaiting;
      if (awaiting?.kind === AWAIT_FOLLOW_UP) {
        const kind = followUpOf(ctx);
        if (!kind) return false;
        ctx.state.awaiting = null;
        if (kind === 'message') return (confirm(ctx, territory, { kind }), true);
        if (channelCapabilities(ctx.message.channel).phoneAddress)
          return (confirm(ctx, territory, { kind, phone: ctx.message.address }), true);
        ctx.state.awaiting = { kind: AWAIT_PHONE, data: { followUp: kind } };
        ctx.text(
          phrase(
            'À quel numéro de téléphone ? (par exemple 06 12 34 56 78)',
            'Which phone number? (for example +33 6 12 34 56 78)',
          ),
        );
        return true;
      }
      if (awaiting?.kind === AWAIT_PHONE) {
        const phone = ctx.nlu.entities.find((e) => e.type === 'phone')?.value;
        const kind = awaiting.data.followUp === 'sms' ? 'sms' : 'callback';
        if (!phone && awaiting.data.retried === true) {
          // Never the same request a third time: the agents answer here, where the citizen writes.
          ctx.state.awaiting = null;
          confirm(ctx, territory, { kind: 'message' });
          return true;
        }
        if (!phone) {
          ctx.state.awaiting = { ...awaiting, data: { ...awaiting.data, retried: true } };
          ctx.text(
            phrase(
              'Je n’ai pas reconnu de numéro. Écrivez-le ainsi : 06 12 34 56 78.',
              'I did not recognise a phone number. Please write it like this: 06 12 34 56 78.',
            ),
          );
          return true;
        }
        ctx.state.awaiting = null;
        confirm(ctx, territory, { kind, phone: toE164(phone) ?? phone });
        return true;
      }
      return false;
    },
  };
}
