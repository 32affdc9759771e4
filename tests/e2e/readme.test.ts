// The README stays true: every configuration variable the server reads is in its table, and the two
// set-up commands are the ones package.json really defines.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigSchema } from '../../server/config';

const root = path.resolve(__dirname, '../..');
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
};

describe('README', () => {
  it('documents every configuration variable in its table', () => {
    const documented = new Set([...readme.matchAll(/^\|\s*`([A-Z0-9_]+)`\s*\|/gm)].map((m) => m[1]));
    const missing = Object.keys(ConfigSchema.shape).filter((k) => !documented.has(k));
    expect(missing).toEqual([]);
  });

  it('shows the two set-up commands, and they exist', () => {
    expect(readme).toContain('npm ci && npm start');
    expect(readme).toContain('npm test');
    expect(pkg.scripts.start).toBeDefined();
    expect(pkg.scripts.test).toBeDefined();
  });

  it('documents every npm script a user runs', () => {
    for (const script of [
      'chat',
      'nlu',
      'nlu:eval',
      'nlu:compare',
      'import:annuaire',
      'token:create',
      'bench',
    ]) {
      expect(pkg.scripts[script]).toBeDefined();
      expect(readme).toContain(`npm run ${script}`);
    }
  });
});
