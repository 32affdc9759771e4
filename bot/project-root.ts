// Data and static files stay in the source tree (not copied into dist/), so code finds them from the project
// root, the nearest folder above this file holding package.json (the same from sources and from dist/).
import { existsSync } from 'node:fs';
import path from 'node:path';

function findProjectRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${start}`);
  }
}

export const PROJECT_ROOT = findProjectRoot(__dirname);

/** An absolute path inside the project: `projectPath('bot', 'nlu', 'data')`. */
export const projectPath = (...parts: string[]): string => path.join(PROJECT_ROOT, ...parts);
