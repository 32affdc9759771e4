// Questions answered from the territory's FAQ, always with the source link; "je ne sais pas, voulez-vous
// un agent ?" rather than a wrong answer when nothing matches well. Also the engine's fallback when the
// NLU is unsure: a good FAQ match beats a clarifying question.
import { phrase } from '../../bot/i18n';
import type { FallbackModule, IntentModule, ServiceDescription } from '../../bot/intent-module';
import { memoOn } from '../../bot/memo-on';
import type { TurnContext } from '../../bot/turn-context';
import { createFaqIndex, type FaqHit, type FaqIndex } from '../../knowledge/retrieval';
import type { Territory } from '../../knowledge/territory';
import { territoryOf, type IntentDeps } from '../deps';
import { answerWithLanguageModel } from './grounded-answer';

/** A fallback answer must be a clearly good match: the NLU did not recognise the question. */
const FALLBACK_MIN_SCORE = 0.65;

const INDEX = Symbol('FAQ index');
/**
 * One index per loaded FAQ, kept on it (bot/memo-on.ts): a hot reload brings a new FAQ, hence a fresh index; on a
 * platform the index lives as long as its FAQ stays parsed (FAQ_CACHE_SIZE), not as long as the rest of the
 * territory.
 */
export function faqIndexOf(territory: Territory): FaqIndex {
  return memoOn(territory.faq, INDEX, createFaqIndex);
}

export function answerFrom(ctx: TurnContext, hit: FaqHit): void {
  ctx.reply({ type: 'link', text: hit.entry.answer, url: hit.entry.sourceUrl });
}

/** What this service declares (labels, help menu, digression, language-model meaning, README row). */
export const KNOWLEDGE: ServiceDescription = {
  id: 'knowledge',
  intents: [
    {
      intent: 'knowledge',
      label: phrase('Poser une question', 'Ask a question'),
      meaning: 'any other question about public services (papers, waste, civil status, local rules…)',
      digression: true,
    },
  ],
  readme: {
    service: 'questions',
    gets: 'answers from the territory\'s FAQ with their source link; "je ne sais pas, voulez-vous un agent ?" rather than a wrong answer',
  },
};

export function createKnowledge(deps: IntentDeps): { module: IntentModule; fallback: FallbackModule } {
  const search = (ctx: TurnContext) => faqIndexOf(territoryOf(deps, ctx)).search(ctx.message.text, 1)[0];
  return {
    module: {
      ...KNOWLEDGE,
      async handle(ctx) {
        const hit = search(ctx);
        // With a language model (opted in), a grounded answer from the passages; the FAQ answer otherwise.
        const generated =
          hit && deps.llm
            ? await answerWithLanguageModel(ctx, deps.llm, faqIndexOf(territoryOf(deps, ctx)))
            : 'fallback';
        if (generated === 'answered') return;
        if (hit && generated !== 'not_found') {
          answerFrom(ctx, hit);
          return;
        }
        ctx.effects.conversation.nluFallback = true;
        ctx.effects.conversation.unanswered = true;
        ctx.choices(
          phrase(
            'Je ne connais pas la réponse à cette question. Voulez-vous que je vous mette en relation avec un agent ?',
            'I do not know the answer to this question. Would you like me to put you through to a person?',
          ),
          [
            { label: ctx.t(phrase('Parler à un agent', 'Talk to a person')), value: 'intent:human_agent' },
            { label: ctx.t(phrase('Voir ce que je sais faire', 'See what I can do')), value: 'intent:help' },
          ],
        );
      },
    },
    fallback: {
      async tryAnswer(ctx) {
        const hit = search(ctx);
        if (!hit || hit.score < FALLBACK_MIN_SCORE) return false;
        answerFrom(ctx, hit);
        return true;
      },
    },
  };
}
