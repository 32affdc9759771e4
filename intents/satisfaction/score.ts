// "4", "4/5", "4 sur 5", "4 très bien", "5 !": a score from 1 to 5 first, and whatever follows as a comment.
// "10", "3 rue des Lilas" or "2 poubelles" are not scores (a number followed by a word that is a thing).
const SCORE = /^\s*([1-5])\s*(?:(?:\/|sur|out of)\s*5)?\s*(?:[.!,:;)-]+\s*|\s+|$)(.*)$/is;
const NOT_A_COMMENT_START =
  /^(rue|avenue|bd|boulevard|chemin|place|impasse|allée|route|poubelles?|bacs?|h\b|heures?)/i;

export function parseScore(text: string): { score: number; comment: string } | undefined {
  const m = SCORE.exec(text);
  if (!m) return undefined;
  const comment = (m[2] ?? '').trim();
  if (NOT_A_COMMENT_START.test(comment)) return undefined;
  return { score: Number(m[1]), comment };
}
