// A bare "oui" or "non" in answer to a question offered with choices. "Voulez-vous parler à un agent ?"
// is a yes/no question: "oui" picks its first choice. "Voulez-vous parler à un agent, ou annuler ?" and
// "De quel lieu… ?" are not: "oui" picks nothing, and the dialogue asks which instead of guessing.
import type { Choice } from './messages';

const YES_LABEL = /^\s*(oui|yes)\b/i;
const NO_LABEL = /^\s*(non|no)\b/i;
/** An alternative in the question itself ("…, ou annuler ?", "… or cancel?"). */
const ALTERNATIVE = /\s(ou|or)\s/i;
/** Questions that ask for a yes or a no, in their last sentence. */
const YES_NO_OPENING =
  /^(voulez|souhaitez|d[ée]sirez|aimeriez|puis-je|dois-je|faut-il|est-ce que vous (voulez|souhaitez)|do you|would you|shall i|should i|can i)\b/i;

/** Whether a bare yes/no answers this question (the choices are labelled "Oui…"/"Non…", or it asks for one). */
export function isYesNoQuestion(text: string, choices: readonly Choice[]): boolean {
  if (choices.some((c) => YES_LABEL.test(c.label) || NO_LABEL.test(c.label))) return true;
  const sentences = text.trim().split(/(?<=[.!?])\s+/);
  const last = sentences[sentences.length - 1] ?? '';
  return YES_NO_OPENING.test(last) && !ALTERNATIVE.test(last);
}

/** The choice a bare yes/no picks in a yes/no question: the one labelled so, else the first (yes) or the last of two (no). */
export function choiceForYesNo(answer: 'yes' | 'no', choices: readonly Choice[]): Choice | undefined {
  const labelled = choices.find((c) => (answer === 'yes' ? YES_LABEL : NO_LABEL).test(c.label));
  if (labelled) return labelled;
  if (choices.some((c) => YES_LABEL.test(c.label) || NO_LABEL.test(c.label))) return undefined;
  if (answer === 'yes') return choices[0];
  return choices.length === 2 ? choices[1] : undefined;
}
