// Readers for the plain-text data files: one item per line, `#` comments, blank lines ignored,
// optional `[section]` headers. Chosen over YAML because they are as readable and parse in
// microseconds (the model is rebuilt from them at every start).
import { readFileSync } from 'node:fs';
import { projectPath } from '../project-root';

export const DATA_DIR = projectPath('bot', 'nlu', 'data');

export function readLines(file: string): string[] {
  return readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

/** `[name]` headers followed by lines; lines before the first header go to section ''. */
export function readSections(file: string): Map<string, string[]> {
  const sections = new Map<string, string[]>();
  let current = '';
  for (const line of readLines(file)) {
    const header = /^\[([^\]]+)\]$/.exec(line);
    if (header) {
      current = (header[1] ?? '').trim();
      if (!sections.has(current)) sections.set(current, []);
      continue;
    }
    const list = sections.get(current) ?? [];
    list.push(line);
    sections.set(current, list);
  }
  return sections;
}
