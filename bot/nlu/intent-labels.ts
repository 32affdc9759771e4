// The intents the NLU knows are the names of its training files: adding a public service's intent is adding
// its files (bot/nlu/data/intents/<language>/<intent>.txt), no list to edit.
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { DATA_DIR } from './data-files';

const FILE = /^([a-z][a-z0-9_]*)\.txt$/;

/** Intent labels named by the `<intent>.txt` files of every language folder under `dir`, sorted. */
export function intentsOfTrainingFiles(dir: string): string[] {
  const found = new Set<string>();
  for (const language of ['fr', 'en']) {
    const folder = path.join(dir, language);
    if (!existsSync(folder)) continue;
    for (const name of readdirSync(folder)) {
      const m = FILE.exec(name);
      if (m?.[1]) found.add(m[1]);
    }
  }
  return [...found].sort();
}

export const INTENTS: readonly string[] = intentsOfTrainingFiles(path.join(DATA_DIR, 'intents'));
