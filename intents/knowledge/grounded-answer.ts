// The knowledge answer written by the optional language model from the retrieved FAQ passages only.
// Our code appends the source links; the model's text is checked (hours, prices, references, phone
// numbers must be in the passages) by the assistant, and anything doubtful falls back to the FAQ answer.
import { channelCapabilities } from '../../bot/channel-capabilities';
import { phrase } from '../../bot/i18n';
import type { KnowledgePassage, LlmAssistant } from '../../bot/llm';
import type { TurnContext } from '../../bot/turn-context';
import type { FaqIndex } from '../../knowledge/retrieval';

/** Passages given to the model. */
const PASSAGES = 3;

export type GroundedOutcome = 'answered' | 'not_found' | 'fallback';

export async function answerWithLanguageModel(
  ctx: TurnContext,
  llm: LlmAssistant,
  faq: FaqIndex,
): Promise<GroundedOutcome> {
  if (!llm.enabledFor(ctx.tenant.id)) return 'fallback';
  // Loaded with the model only: @langchain/core is not needed (nor kept in memory) without one.
  const { FaqRetriever } = await import('../../knowledge/retrieval/langchain-retriever');
  const documents = await new FaqRetriever({ index: faq, k: PASSAGES }).invoke(ctx.message.text);
  const passages: KnowledgePassage[] = documents.map((d) => ({
    id: d.metadata.id,
    title: d.metadata.title,
    text: d.pageContent,
    sourceUrl: d.metadata.sourceUrl,
  }));
  if (passages.length === 0) return 'fallback';
  const outcome = await llm.answer({
    tenantId: ctx.tenant.id,
    channel: ctx.message.channel,
    locale: ctx.locale,
    question: ctx.message.text,
    passages,
    reservedChars: Math.max(...passages.map((p) => p.sourceUrl.length)) + 1,
    turn: ctx,
  });
  if (outcome.kind !== 'answered') return outcome.kind;
  const [first, ...others] = outcome.sources;
  if (!first) return 'fallback';
  ctx.reply({ type: 'link', text: outcome.text, url: first.sourceUrl });
  // Short channels keep one link; screens also show the other passages used.
  if (!channelCapabilities(ctx.message.channel).shortAnswers) {
    for (const source of others.slice(0, 2)) {
      ctx.reply({ type: 'link', text: ctx.t(phrase('Voir aussi :', 'See also:')), url: source.sourceUrl });
    }
  }
  return 'answered';
}
