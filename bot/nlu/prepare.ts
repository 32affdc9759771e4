// From raw text to the normalised words the classifier and the lexical extractors share.
import { cleanText, expandSms, fold, isFiller, MAX_TOKENS, tokenize } from './normalize';
import { FuzzyVocabulary } from './fuzzy';
import { matchKey, type Lexicon } from './lexicon';

export interface Prepared {
  /** Original text without control characters, whitespace collapsed, length bounded. */
  raw: string;
  /** `raw` lowercased without accents (same character positions for Latin text). */
  folded: string;
  /** Tokens after SMS expansion, before typo correction (fillers kept). */
  tokens: string[];
  /** Words after typo correction, without fillers. */
  words: string[];
  /** Plural-insensitive keys of `words`, for lexicon phrases. */
  keys: string[];
  /** How many of `words` the vocabulary knows (after correction). */
  known: number;
}

export function prepare(text: unknown, lexicon: Lexicon, vocabulary?: FuzzyVocabulary): Prepared {
  const raw = cleanText(text);
  const folded = fold(raw);
  const tokens = expandSms(tokenize(folded), lexicon.text).slice(0, MAX_TOKENS);
  const words: string[] = [];
  let known = 0;
  for (const token of tokens) {
    if (isFiller(token, lexicon.text)) continue;
    const word = vocabulary?.correct(token) ?? token;
    if (!vocabulary || vocabulary.has(word) || /^\d+$/.test(word)) known++;
    words.push(word);
  }
  return { raw, folded, tokens, words, keys: words.map(matchKey), known };
}
