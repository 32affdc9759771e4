// "C'est combien, l'inscription à la médiathèque ?", "quels papiers pour l'inscription à l'école ?": a
// question about a procedure is answered from the territory's data (requestTypes[].pricing / documents),
// then the procedure is offered; asking the price must not start the form.
import { phrase } from '../../bot/i18n';
import type { TurnContext } from '../../bot/turn-context';
import { fold } from '../../knowledge/retrieval';
import type { Territory } from '../../knowledge/territory';

export type ProcedureQuestion = 'price' | 'documents';

// Folded text, SMS spellings included ("cb", "cbien", "c koi le tarif").
const PRICE =
  /\b(combien|cb|cbien|cmb|combi1|prix|tarifs?|coute|coutent|cout|payant|payante|gratuit|gratuite|euros?|how much|price|cost|costs|fee|fees)\b|€/;
const DOCUMENTS =
  /\b(documents?|papiers?|pieces?|justificatifs?|(quoi|que) (faut il|dois je|apporter|fournir)|what do i need|which documents)\b/;

/** What the message asks about the procedure, if it is a question rather than a request to start it. */
export function procedureQuestionOf(text: string): ProcedureQuestion | undefined {
  const folded = fold(text).replace(/['’]/g, ' ');
  if (PRICE.test(folded)) return 'price';
  if (DOCUMENTS.test(folded)) return 'documents';
  return undefined;
}

/**
 * Answers a price or documents question about the procedure `requestTypeId`, then offers to start it with
 * `startValue` (a choice value, e.g. "intent:library_registration"). False when the message is no such
 * question or the territory says nothing about it: the caller then starts the procedure as before.
 */
export function answerProcedureQuestion(
  ctx: TurnContext,
  territory: Territory,
  requestTypeId: string,
  startValue: string,
): boolean {
  const question = procedureQuestionOf(ctx.message.text);
  const procedure = territory.requestTypes.find((r) => r.id === requestTypeId);
  if (!question || !procedure) return false;
  const name = ctx.locale === 'en' && procedure.labelEn ? procedure.labelEn : procedure.label;
  let answer: string | undefined;
  if (question === 'price' && procedure.pricing) answer = `${name} : ${procedure.pricing}`;
  if (question === 'documents' && procedure.documents?.length)
    answer = `${name}, ${ctx.t(phrase('pièces à fournir', 'documents to bring'))} : ${procedure.documents.join(' ; ')}.`;
  if (!answer) return false;
  ctx.text(answer);
  ctx.choices(phrase('Voulez-vous faire la demande maintenant ?', 'Would you like to apply now?'), [
    // A yes/no question: "oui" picks the first choice, "non" the second (bot/choice-questions.ts).
    { label: ctx.t(phrase('Faire la demande', 'Apply')), value: startValue },
    { label: ctx.t(phrase('Plus tard', 'Later')), value: 'intent:goodbye' },
  ]);
  return true;
}
