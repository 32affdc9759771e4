// "Où en est ma demande ?": by reference (DEM-YYYY-NNNNNN, typed loosely), whatever channel the request
// came from, within the tenant only; without a reference, the contact's latest requests as choices.
import { phrase } from '../../bot/i18n';
import type { IntentModule, ServiceDescription } from '../../bot/intent-module';
import type { TurnContext } from '../../bot/turn-context';
import { territoryOf, type IntentDeps } from '../deps';
import { requestLine, statusCard } from './describe';

const PICK = 'request_status.pick';
const ASK_REFERENCE = 'request_status.reference';
const CHOICE_PREFIX = 'status:';
const OTHER = `${CHOICE_PREFIX}other`;
const LATEST = 3;
/** After this many unreadable references, the pending question is dropped (the citizen moves on). */
const MAX_REFERENCE_ATTEMPTS = 2;

const referenceIn = (ctx: TurnContext): string | undefined =>
  ctx.nlu.entities.find((e) => e.type === 'reference')?.value;

/** What this service declares (labels, help menu, digression, language-model meaning, README row). */
export const REQUEST_STATUS: ServiceDescription = {
  id: 'request_status',
  intents: [
    {
      intent: 'request_status',
      label: phrase('Suivre une demande', 'Follow up a request'),
      meaning: 'following up an earlier request or report',
      helpMenu: true,
      digression: true,
    },
  ],
  readme: {
    service: 'request follow-up',
    gets: "by reference `DEM-YYYY-NNNNNN` on any channel, or the contact's latest requests: status, history, next step",
  },
};

export function createRequestStatus(deps: IntentDeps): IntentModule {
  async function answer(ctx: TurnContext, reference: string): Promise<void> {
    const territory = territoryOf(deps, ctx);
    // Tenant-scoped lookup: another territory's reference is simply not found.
    const request = await ctx.sharedStore.getRequestByReference(ctx.tenant.id, reference);
    ctx.state.awaiting = null;
    if (!request) {
      ctx.text(
        phrase(
          `Je ne trouve pas de demande avec la référence ${reference}. Vérifiez-la (elle ressemble à DEM-2026-000123) ou appelez l’accueil au ${territory.contact.phone}.`,
          `I cannot find a request with reference ${reference}. Please check it (it looks like DEM-2026-000123) or call us on ${territory.contact.phone}.`,
        ),
      );
      return;
    }
    ctx.reply(statusCard(ctx, territory, request));
  }

  function askReference(ctx: TurnContext): void {
    ctx.text(
      phrase(
        'Quelle est la référence de votre demande ? Elle ressemble à DEM-2026-000123.',
        'What is the reference of your request? It looks like DEM-2026-000123.',
      ),
    );
    ctx.state.awaiting = { kind: ASK_REFERENCE, data: { attempts: 0 } };
  }

  return {
    ...REQUEST_STATUS,
    async handle(ctx) {
      const reference = referenceIn(ctx);
      if (reference) return answer(ctx, reference);
      const territory = territoryOf(deps, ctx);
      const latest = await ctx.sharedStore.listRequestsForContact(
        ctx.tenant.id,
        ctx.conversation.contactId,
        LATEST,
      );
      if (latest.length === 0) return askReference(ctx);
      if (ctx.state.form) {
        // Asked in the middle of a form: a short answer, the form resumes right after (no pending choice).
        ctx.text(
          phrase(
            `Vos dernières demandes : ${latest.map((r) => requestLine(ctx, territory, r)).join(' ; ')}.`,
            `Your latest requests: ${latest.map((r) => requestLine(ctx, territory, r)).join(' ; ')}.`,
          ),
        );
        return;
      }
      ctx.choices(
        phrase('Quelle demande voulez-vous suivre ?', 'Which request would you like to follow up?'),
        [
          ...latest.map((r) => ({
            label: requestLine(ctx, territory, r),
            value: `${CHOICE_PREFIX}${r.reference}`,
          })),
          {
            label: ctx.t(
              phrase('Une autre demande (j’ai la référence)', 'Another request (I have the reference)'),
            ),
            value: OTHER,
          },
        ],
      );
      ctx.state.awaiting = { kind: PICK, data: {} };
    },
    async resume(ctx) {
      const awaiting = ctx.state.awaiting;
      if (!awaiting) return false;
      const choice = ctx.message.choiceValue;
      if (choice === 'cancel' || (ctx.nlu.intent === 'cancel' && ctx.nlu.confidence >= 0.6)) {
        ctx.state.awaiting = null;
        ctx.text(
          phrase(
            'D’accord, j’arrête la recherche. Que puis-je faire d’autre pour vous ?',
            'All right, I will stop looking. What else can I do for you?',
          ),
        );
        return true;
      }
      if (choice === OTHER) {
        askReference(ctx);
        return true;
      }
      const reference = choice?.startsWith(CHOICE_PREFIX)
        ? choice.slice(CHOICE_PREFIX.length)
        : referenceIn(ctx);
      if (reference) {
        await answer(ctx, reference);
        return true;
      }
      // Something that looks like a mistyped reference: say what one looks like, a couple of times.
      const attempts = typeof awaiting.data.attempts === 'number' ? awaiting.data.attempts : 0;
      if (
        awaiting.kind === ASK_REFERENCE &&
        /\d{3,}/.test(ctx.message.text) &&
        attempts < MAX_REFERENCE_ATTEMPTS
      ) {
        ctx.text(
          phrase(
            'Je ne reconnais pas cette référence. Elle commence par DEM, puis l’année et un numéro, par exemple DEM-2026-000123.',
            'I do not recognise this reference. It starts with DEM, then the year and a number, for example DEM-2026-000123.',
          ),
        );
        ctx.state.awaiting = { kind: ASK_REFERENCE, data: { attempts: attempts + 1 } };
        return true;
      }
      return false;
    },
  };
}
