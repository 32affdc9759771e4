// Whole-word search in normalised text, without building a padded copy of each candidate (it runs for every
// name of a territory on every message: commune and facility names).

/** Whether `words` occur as whole words in `text` (words separated by one space, and one space at each end). */
export function hasWords(text: string, words: string): boolean {
  if (words.length === 0) return false;
  for (let i = text.indexOf(words); i !== -1; i = text.indexOf(words, i + 1))
    if (text.charCodeAt(i - 1) === 32 && text.charCodeAt(i + words.length) === 32) return true;
  return false;
}
