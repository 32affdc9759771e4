// Groups the questions the bot could not answer by what they are about, so a supervisor reads "horaires de la
// déchetterie le dimanche — 14 fois" rather than fourteen lines. Two questions are alike when their content
// words (the NLU's folding, stop words dropped, words stemmed) overlap enough; each question joins the group of
// the first alike question met, newest first, so a group is named by its latest wording.
import { loadLexicon } from '../../bot/nlu/lexicon';
import { wordSet } from '../../bot/nlu/similarity';
import { stem } from '../../bot/nlu/stem';

/** Content-word Jaccard similarity at or above which two questions are put in the same group. */
export const GAP_SIMILARITY = 0.5;
/** Examples shown per group (the newest). */
export const GAP_EXAMPLES = 5;

export interface KnowledgeGap {
  id: string;
  question: string;
  channel: string;
  createdAt: string;
}

export interface KnowledgeGapGroup {
  /** The newest question of the group, as a title. */
  question: string;
  count: number;
  firstSeen: string;
  lastSeen: string;
  /** Channels the questions came on, most frequent first. */
  channels: string[];
  /** The newest distinct wordings. */
  examples: string[];
  /** Every gap of the group, to mark them handled together. */
  ids: string[];
}

let stopwords: ReadonlySet<string> | undefined;

/** The stemmed content words of a question; all its words when it has only stop words. */
export function contentWords(text: string): Set<string> {
  stopwords ??= loadLexicon().stopwords;
  const words = [...wordSet(text)];
  const content = words.filter((w) => !stopwords!.has(w) && w.length > 1);
  return new Set((content.length > 0 ? content : words).map(stem));
}

function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 && b.size === 0) return 1;
  let common = 0;
  for (const w of a) if (b.has(w)) common += 1;
  return common / (a.size + b.size - common);
}

/** Groups `gaps` (any order) by similarity; the largest groups first, then the most recent. */
export function groupGaps(gaps: readonly KnowledgeGap[], threshold = GAP_SIMILARITY): KnowledgeGapGroup[] {
  const newestFirst = [...gaps].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  const groups: { words: Set<string>; members: KnowledgeGap[] }[] = [];
  for (const gap of newestFirst) {
    const words = contentWords(gap.question);
    let best: (typeof groups)[number] | undefined;
    let bestScore = threshold;
    for (const group of groups) {
      const score = jaccard(words, group.words);
      if (score >= bestScore) {
        best = group;
        bestScore = score;
      }
    }
    if (best) best.members.push(gap);
    else groups.push({ words, members: [gap] });
  }
  return groups
    .map(({ members }) => {
      const channels = new Map<string, number>();
      for (const m of members) channels.set(m.channel, (channels.get(m.channel) ?? 0) + 1);
      const examples: string[] = [];
      for (const m of members) {
        if (!examples.includes(m.question)) examples.push(m.question);
        if (examples.length === GAP_EXAMPLES) break;
      }
      return {
        question: members[0]!.question,
        count: members.length,
        firstSeen: members[members.length - 1]!.createdAt,
        lastSeen: members[0]!.createdAt,
        channels: [...channels.entries()].sort((a, b) => b[1] - a[1]).map(([c]) => c),
        examples,
        ids: members.map((m) => m.id),
      };
    })
    .sort((a, b) => b.count - a.count || b.lastSeen.localeCompare(a.lastSeen));
}
