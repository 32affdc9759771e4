// "Où en est ma demande ?": by reference (typed loosely), for the citizen who filed the request or follows it
// (same contact: same phone number, same web chat conversation…), whatever channel the request came from;
// without a reference, the contact's latest requests as choices. Anyone else typing a reference learns nothing.
import { phrase } from '../../bot/i18n';
import { REFERENCE_EXAMPLE } from '../../bot/references';
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
    gets: "by reference on any channel, or the contact's latest requests: status, history, next step; only for the citizen who filed or follows the request",
  },
};

export function createRequestStatus(deps: IntentDeps): IntentModule {
  async function answer(ctx: TurnContext, reference: string): Promise<void> {
    const territory = territoryOf(deps, ctx);
    // Only the citizen who filed the request (or follows it) gets it, within the tenant. Anyone else gets the
    // same answer as for a reference that does not exist: saying "it exists but is not yours" would confirm a
    // guess, and the detail (status, notes, address) is theirs alone.
    const request = await ctx.sharedStore.getRequestForContact(
      ctx.tenant.id,
      reference,
      ctx.conversation.contactId,
    );
    ctx.state.awaiting = null;
    if (!request) {
      ctx.text(
        phrase(
          `Je ne peux pas vous donner le suivi de la demande ${reference} ici : soit la référence est inexacte (elle ressemble à ${REFERENCE_EXAMPLE}), soit la demande a été faite depuis un autre numéro ou une autre conversation. Écrivez-nous depuis celui ou celle utilisé pour la déposer, ou appelez l’accueil au ${territory.contact.phone}.`,
          `I cannot give you the follow-up of request ${reference} here: either the reference is wrong (it looks like ${REFERENCE_EXAMPLE}), or the request was made from another number or conversation. Please write from the one used to make it, or call us on ${territory.contact.phone}.`,
        ),
      );
      return;
    }
    ctx.reply(statusCard(ctx, territory, request));
  }

  function askReference(ctx: TurnContext): void {
    ctx.text(
      phrase(
        `Quelle est la référence de votre demande ? Elle ressemble à ${REFERENCE_EXAMPLE}.`,
        `What is the reference of your request? It looks like ${REFERENCE_EXAMPLE}.`,
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
            `Je ne reconnais pas cette référence. Elle commence par DEM, puis l’année et six chiffres ou lettres, par exemple ${REFERENCE_EXAMPLE}.`,
            `I do not recognise this reference. It starts with DEM, then the year and six digits or letters, for example ${REFERENCE_EXAMPLE}.`,
          ),
        );
        ctx.state.awaiting = { kind: ASK_REFERENCE, data: { attempts: attempts + 1 } };
        return true;
      }
      return false;
    },
  };
}
