// The territory FAQ as a LangChain retriever: the same BM25 index the bot uses without a model, returning
// Documents whose metadata carries the source URL, so a generated answer can always cite where it comes from.
import type { CallbackManagerForRetrieverRun } from '@langchain/core/callbacks/manager';
import { Document } from '@langchain/core/documents';
import { BaseRetriever, type BaseRetrieverInput } from '@langchain/core/retrievers';
import type { FaqEntry } from '../territory/schema';
import { createFaqIndex, type FaqIndex } from './faq-index';

export interface FaqDocumentMetadata {
  /** FAQ entry id. */
  id: string;
  /** The page the answer comes from (appended to generated answers by our code). */
  sourceUrl: string;
  /** The entry's first question, a title for the passage. */
  title: string;
  /** 0..1 retrieval score. */
  score: number;
  tags: string[];
}

export interface FaqRetrieverInput extends BaseRetrieverInput {
  /** A ready index (shared with the non-LLM path), or the entries to index. */
  index: FaqIndex | readonly FaqEntry[];
  /** Passages returned at most (default 3). */
  k?: number;
  /** Minimum score (defaults to the index's threshold). */
  threshold?: number;
}

export class FaqRetriever extends BaseRetriever<FaqDocumentMetadata> {
  lc_namespace = ['guichet', 'retrievers', 'faq'];
  private readonly index: FaqIndex;
  private readonly k: number;
  private readonly threshold?: number;

  constructor(fields: FaqRetrieverInput) {
    super(fields);
    this.index = isIndex(fields.index) ? fields.index : createFaqIndex(fields.index);
    this.k = fields.k ?? 3;
    this.threshold = fields.threshold;
  }

  static override lc_name(): string {
    return 'FaqRetriever';
  }

  override async _getRelevantDocuments(
    query: string,
    _runManager?: CallbackManagerForRetrieverRun,
  ): Promise<Document<FaqDocumentMetadata>[]> {
    const options = this.threshold === undefined ? {} : { threshold: this.threshold };
    return this.index.search(query, this.k, options).map(
      ({ entry, score }) =>
        new Document<FaqDocumentMetadata>({
          id: entry.id,
          pageContent: entry.answer,
          metadata: {
            id: entry.id,
            sourceUrl: entry.sourceUrl,
            title: entry.questions[0] ?? entry.id,
            score,
            tags: entry.tags,
          },
        }),
    );
  }
}

const isIndex = (value: FaqIndex | readonly FaqEntry[]): value is FaqIndex => !Array.isArray(value);
