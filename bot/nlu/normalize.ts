// Text normalisation shared by the classifier and the entity extractors: lowercase, accent folding,
// elision and contraction handling, SMS lexicon expansion, speech fillers. Kept dependency-free and
// linear in the input length so that any input (noise, emoji, control characters) stays cheap.
import { prototypeless } from '../prototypeless';

/** Longest input analysed; a chat or SMS message beyond this is noise for intent detection. */
export const MAX_INPUT_CHARS = 1000;
/** Longest token list fed to the classifier (bounds fuzzy correction work on long noise). */
export const MAX_TOKENS = 120;

const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u200B-\u200F\u2028-\u202F\uFEFF]/g;

/** Drops control and zero-width characters, collapses whitespace, bounds the length. */
export function cleanText(raw: unknown): string {
  const text = typeof raw === 'string' ? raw : raw == null ? '' : String(raw);
  return text
    .slice(0, MAX_INPUT_CHARS * 2)
    .replace(CONTROL, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, MAX_INPUT_CHARS);
}

const LIGATURES: Record<string, string> = { œ: 'oe', æ: 'ae', ß: 'ss', Œ: 'OE', Æ: 'AE' };

/** Lowercase + accent folding ("Déchèterie" → "decheterie"); keeps string length stable per char class. */
export function fold(text: string): string {
  return text
    .replace(/[œæßŒÆ]/g, (c) => LIGATURES[c] ?? c)
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
}

// French elided articles/pronouns, restored so that "l'école" and "la école" look alike.
const ELISIONS = prototypeless<string>({
  l: 'le',
  d: 'de',
  j: 'je',
  n: 'ne',
  s: 'se',
  c: 'ce',
  m: 'me',
  t: 'te',
  qu: 'que',
  jusqu: 'jusque',
  lorsqu: 'lorsque',
  puisqu: 'puisque',
  quelqu: 'quelque',
});
// English contractions (right-hand side of the apostrophe).
const CONTRACTIONS = prototypeless<string>({
  s: 'is',
  re: 'are',
  m: 'am',
  ll: 'will',
  ve: 'have',
  d: 'would',
});

/** Resolves apostrophes: "j'ai" → "je ai", "aujourd'hui" → "aujourdhui", "don't" → "do not". */
function expandApostrophes(folded: string): string {
  if (!/['’‘`´ʼ]/.test(folded)) return folded;
  return folded
    .replace(/[’‘`´ʼ]/g, "'")
    .replace(/\baujourd\s*'\s*hui\b/g, 'aujourdhui')
    .replace(/\bs'(il|ils)\b/g, 'si $1')
    .replace(/\b([a-z]+)'([a-z]+)\b/g, (_m, left: string, right: string) => {
      const fr = ELISIONS[left];
      if (fr) return `${fr} ${right}`;
      if (right === 't' && left.endsWith('n')) {
        if (left === 'can') return 'can not';
        if (left === 'won') return 'will not';
        return `${left.slice(0, -1)} not`;
      }
      const en = CONTRACTIONS[right];
      return en ? `${left} ${en}` : `${left} ${right}`;
    });
}

export interface Lexicons {
  /** SMS / shorthand token → replacement words ("bjr" → ["bonjour"]). */
  sms: ReadonlyMap<string, readonly string[]>;
  /** Speech-to-text fillers dropped before classification ("euh", "ben"). */
  fillers: ReadonlySet<string>;
}

// "euuuh", "heuu", "hmmm", "mmh", "uhh": hesitations however long.
const FILLER_SHAPE = /^(?:e+u+h*|h+e+u+h*|h+m+|m+h+|u+h+)$/;

export function isFiller(word: string, lexicons: Lexicons): boolean {
  return lexicons.fillers.has(word) || FILLER_SHAPE.test(word);
}

/**
 * Splits folded text into word tokens. Hyphens split ("nid-de-poule" → 3 tokens), digits stay
 * attached to letters ("14h30"), everything else (emoji, punctuation, other symbols) separates.
 */
export function tokenize(folded: string): string[] {
  const expanded = expandApostrophes(folded).replace(/\ba\s*\+(?=\s|$)/g, 'a plus'); // "a+" (à plus) before "+" is dropped
  return expanded.match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** Expands SMS shorthand token by token ("jveu" → "je veux"). */
export function expandSms(tokens: readonly string[], lexicons: Lexicons): string[] {
  const out: string[] = [];
  for (const t of tokens) {
    const repl = lexicons.sms.get(t);
    if (repl) out.push(...repl);
    else out.push(t);
  }
  return out;
}

/** Canonical comparison key of a sentence (used to keep dev sentences out of the training files). */
export function sentenceKey(text: string): string {
  return tokenize(fold(cleanText(text))).join(' ');
}
