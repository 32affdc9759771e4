// Reads the readable training files: data/intents/<language>/<intent>.txt, one example sentence per
// line (`#` comments allowed). The file name is the intent: a new file is a new intent the NLU learns.
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { DATA_DIR, readLines } from './data-files';
import { INTENT_LABEL, type Intent, type Language } from './types';

export interface TrainingExample {
  text: string;
  intent: Intent;
  language: Language;
  /** File it came from (relative to the intents folder), for error messages and tests. */
  file: string;
}

export const INTENTS_DIR = path.join(DATA_DIR, 'intents');
const LANGUAGES: readonly Language[] = ['fr', 'en'];

export function loadTrainingExamples(dir: string = INTENTS_DIR): TrainingExample[] {
  const examples: TrainingExample[] = [];
  for (const language of LANGUAGES) {
    const folder = path.join(dir, language);
    if (!existsSync(folder)) continue;
    for (const name of readdirSync(folder).sort()) {
      if (!name.endsWith('.txt')) continue;
      const intent = name.slice(0, -'.txt'.length);
      if (!INTENT_LABEL.test(intent))
        throw new Error(
          `NLU training file ${language}/${name}: the name must be an intent label (a-z, 0-9, _)`,
        );
      for (const text of readLines(path.join(folder, name))) {
        examples.push({ text, intent, language, file: `${language}/${name}` });
      }
    }
  }
  return examples;
}
