// Citizen satisfaction: the answer to "Êtes-vous satisfait(e) ? Répondez de 1 à 5", a question the back office
// puts to the conversation (request resolved, agent released; Engine.askSatisfaction), then an optional
// comment. Anything that is not a score is handled as usual and the question dropped: never asked again.
import { phrase } from '../../bot/i18n';
import type { Choice } from '../../bot/messages';
import type { IntentModule } from '../../bot/intent-module';
import { SATISFACTION_SCORE, type SatisfactionQuestion } from '../../bot/state';
import type { TurnContext } from '../../bot/turn-context';
import { parseScore } from './score';

export const SATISFACTION_QUESTION = phrase(
  'Êtes-vous satisfait(e) ? Répondez de 1 (pas du tout) à 5 (tout à fait).',
  'Are you satisfied? Answer from 1 (not at all) to 5 (completely).',
);

/** Web chat buttons for the question: the scores 1 to 5, whose values are read back as the answer. */
export const SATISFACTION_CHOICES: readonly Choice[] = [1, 2, 3, 4, 5].map((n) => ({
  label: String(n),
  value: `satisfaction:${n}`,
}));

const COMMENT = 'satisfaction.comment';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NO_COMMENT = /^\s*(non|no|rien|pas de commentaire|non merci|no thanks?)\s*[.!]*\s*$/i;

const questionOf = (data: Record<string, unknown>): SatisfactionQuestion | undefined => {
  const { id, requestId, askedAt } = data;
  if (typeof id !== 'string' || !UUID.test(id) || typeof askedAt !== 'string') return undefined;
  return { id, requestId: typeof requestId === 'string' ? requestId : null, askedAt };
};

export function createSatisfaction(): IntentModule {
  return {
    id: 'satisfaction',
    // No intent of its own: it only continues the question the back office asked.
    intents: [],
    async handle() {},
    async resume(ctx: TurnContext) {
      const awaiting = ctx.state.awaiting;
      const question = awaiting && questionOf(awaiting.data);
      ctx.state.awaiting = null;
      if (!awaiting || !question) return false;
      if (awaiting.kind === SATISFACTION_SCORE) return answerScore(ctx, question);
      if (awaiting.kind === COMMENT) return answerComment(ctx, question);
      return false;
    },
  };
}

function answerScore(ctx: TurnContext, question: SatisfactionQuestion): boolean {
  const chosen = /^satisfaction:([1-5])$/.exec(ctx.message.choiceValue ?? '');
  const parsed = chosen ? { score: Number(chosen[1]), comment: '' } : parseScore(ctx.message.text);
  if (!parsed) return false;
  ctx.effects.conversation.satisfaction = {
    ...question,
    score: parsed.score,
    ...(parsed.comment ? { comment: parsed.comment } : {}),
  };
  if (parsed.comment) {
    ctx.text(
      phrase('Merci pour votre réponse et votre commentaire !', 'Thank you for your answer and comment!'),
    );
    return true;
  }
  ctx.state.awaiting = { kind: COMMENT, data: { ...question } };
  ctx.text(
    phrase(
      'Merci ! Un commentaire ? Écrivez-le, ou répondez « non ».',
      'Thank you! Any comment? Write it, or answer "no".',
    ),
  );
  return true;
}

function answerComment(ctx: TurnContext, question: SatisfactionQuestion): boolean {
  const text = ctx.message.text.trim();
  if (text === '' || NO_COMMENT.test(text)) {
    ctx.text(phrase('Merci, bonne journée !', 'Thank you, have a nice day!'));
    return true;
  }
  ctx.effects.conversation.satisfaction = { ...question, comment: text };
  ctx.text(phrase('Merci pour votre commentaire !', 'Thank you for your comment!'));
  return true;
}
