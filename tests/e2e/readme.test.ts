// The README and docs/ stay true: every configuration variable the server reads is in the configuration
// reference, the two set-up commands are the ones package.json really defines, the README stays short,
// and every relative link leads to a file of the repository.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigSchema } from '../../server/config';

const root = path.resolve(__dirname, '../..');
const read = (file: string): string => readFileSync(path.join(root, file), 'utf8');
const readme = read('README.md');
const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
const docs = readdirSync(path.join(root, 'docs'))
  .filter((f) => f.endsWith('.md'))
  .map((f) => `docs/${f}`);

/** The targets of the Markdown links and images of a text that point inside the repository. */
function relativeLinks(markdown: string): string[] {
  const withoutCode = markdown.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  return [...withoutCode.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => m[1]!)
    .filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target) && !target.startsWith('#'));
}

describe('README and docs/', () => {
  it('document every configuration variable in the configuration reference', () => {
    const reference = read('docs/configuration.md');
    const documented = new Set([...reference.matchAll(/^\|\s*`([A-Z0-9_]+)`\s*\|/gm)].map((m) => m[1]));
    const missing = Object.keys(ConfigSchema.shape).filter((k) => !documented.has(k));
    expect(missing).toEqual([]);
    expect(readme).toContain('](docs/configuration.md)');
  });

  it('keep the README under 15 KB', () => {
    expect(Buffer.byteLength(readme, 'utf8')).toBeLessThan(15 * 1024);
  });

  it('link only to files that exist in the repository', () => {
    const broken = ['README.md', ...docs].flatMap((file) =>
      relativeLinks(read(file))
        .filter(
          (target) => !existsSync(path.resolve(path.dirname(path.join(root, file)), target.split('#')[0]!)),
        )
        .map((target) => `${file} → ${target}`),
    );
    expect(broken).toEqual([]);
  });

  it('would see a broken link, and not one in code', () => {
    expect(relativeLinks('[a](docs/none.md) [b](https://x.fr) [c](#top) `[d](e.md)` [f](g.md#h)')).toEqual([
      'docs/none.md',
      'g.md#h',
    ]);
  });

  it('show the two set-up commands, and they exist', () => {
    expect(readme).toContain('npm ci && npm start');
    expect(readme).toContain('npm test');
    expect(pkg.scripts.start).toBeDefined();
    expect(pkg.scripts.test).toBeDefined();
  });

  it('document every npm script a user runs', () => {
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
