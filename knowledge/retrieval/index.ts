// FAQ retrieval (French and English): createFaqIndex(entries).search(query, k).
export {
  createFaqIndex,
  DEFAULT_FAQ_THRESHOLD,
  type FaqHit,
  type FaqIndex,
  type FaqIndexOptions,
  type FaqSearchOptions,
} from './faq-index';
export { fold, stem, terms, words, STOP_WORDS } from './text';
export { editDistance, FuzzyVocabulary } from './fuzzy';
