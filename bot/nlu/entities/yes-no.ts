// Yes/no answers ("oui", "ouais", "d'accord", "c'est ça" / "non", "nan", "pas du tout"), from the
// normalised words (SMS already expanded: "nan" → "non", "dac" → "daccord").

const NO: string[][] = [
  ['pas', 'du', 'tout'],
  ['pas', 'de', 'accord'],
  ['pas', 'daccord'],
  ['absolument', 'pas'],
  ['surtout', 'pas'],
  ['pas', 'vraiment'],
  ['ce', 'est', 'pas', 'ca'],
  ['ce', 'ne', 'est', 'pas', 'ca'],
  ['pas', 'exact'],
  ['pas', 'correct'],
  ['non'],
  ['no'],
  ['nope'],
  ['nah'],
  ['negatif'],
  ['jamais'],
];
const YES: string[][] = [
  ['ce', 'est', 'ca'],
  ['ce', 'est', 'bien', 'ca'],
  ['ce', 'est', 'exact'],
  ['ce', 'est', 'correct'],
  ['tout', 'a', 'fait'],
  ['bien', 'sur'],
  ['de', 'accord'],
  ['daccord'],
  ['oui'],
  ['ouais'],
  ['ok'],
  ['exact'],
  ['exactement'],
  ['correct'],
  ['absolument'],
  ['affirmatif'],
  ['volontiers'],
  ['parfait'],
  ['carrement'],
  ['evidemment'],
  ['yes'],
  ['yeah'],
  ['yep'],
  ['yup'],
  ['sure'],
  ['right'],
  ['confirme'],
  ['je', 'confirme'],
  ['that', 'is', 'right'],
];

/** Phrases indexed by their first word, so a message is scanned once. */
function index(phrases: readonly string[][]): Map<string, string[][]> {
  const byFirst = new Map<string, string[][]>();
  for (const p of phrases) {
    const first = p[0] ?? '';
    byFirst.set(
      first,
      [...(byFirst.get(first) ?? []), p].sort((a, b) => b.length - a.length),
    );
  }
  return byFirst;
}
const NO_INDEX = index(NO);
const YES_INDEX = index(YES);

function findFirst(
  words: readonly string[],
  phrases: Map<string, string[][]>,
): { index: number; length: number } | undefined {
  for (let i = 0; i < words.length; i++) {
    for (const p of phrases.get(words[i] ?? '') ?? []) {
      if (p.every((w, j) => words[i + j] === w)) return { index: i, length: p.length };
    }
  }
  return undefined;
}

export function findYesNo(words: readonly string[], raw: string): 'yes' | 'no' | undefined {
  if (/^\s*(?:👍|👌|✅|✔️?)+\s*$/u.test(raw)) return 'yes';
  if (/^\s*(?:👎|❌|🚫)+\s*$/u.test(raw)) return 'no';
  const no = findFirst(words, NO_INDEX);
  const yes = findFirst(words, YES_INDEX);
  if (!no) return yes ? 'yes' : undefined;
  if (!yes) return 'no';
  // "oui… enfin non" / "non, c'est ça": the first answer given counts, but a negative phrase that
  // contains the positive word ("pas du tout", "pas d'accord") wins over it.
  if (yes.index >= no.index && yes.index < no.index + no.length) return 'no';
  return no.index <= yes.index ? 'no' : 'yes';
}

/**
 * True when the message is nothing but a yes/no answer (plus words `ignorable` says carry nothing,
 * like "euh" or "merci"): "oui", "non merci", "ouais d'accord". Such a message has no intent of its own.
 */
export function isBareYesNo(words: readonly string[], ignorable: (word: string) => boolean): boolean {
  if (words.length > 8) return false; // an answer is short
  let answered = false;
  let i = 0;
  while (i < words.length) {
    const word = words[i] ?? '';
    const phrase = [...(NO_INDEX.get(word) ?? []), ...(YES_INDEX.get(word) ?? [])].find((p) =>
      p.every((w, j) => words[i + j] === w),
    );
    if (phrase) {
      answered = true;
      i += phrase.length;
    } else if (ignorable(word)) {
      i++;
    } else {
      return false;
    }
  }
  return answered;
}
