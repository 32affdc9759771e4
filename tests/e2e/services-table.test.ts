// The README's "Public services" table is the registered services' own description (ServiceDescription
// `readme` in each intents/<service>/index.ts), row for row and in registration order.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ServiceSummary } from '../../bot/intent-module';
import { createIntents, type IntentDeps } from '../../intents';

const readme = readFileSync(path.resolve(__dirname, '../../README.md'), 'utf8');

/** Modules only read their dependencies when a turn runs: none is needed to list what they declare. */
const noDeps = {} as IntentDeps;

const cell = (text: string) => text.replace(/\|/g, '\\|');
const markdownRow = (r: ServiceSummary) =>
  `| ${cell(r.service)} | ${cell(r.gets)} | ${r.request ? `\`${r.request}\`` : '—'} |`;

/** The rows of the table under "## Public services", cells trimmed (prettier pads them). */
function readmeRows(): string[][] {
  const section = readme.split(/^## Public services\s*$/m)[1]?.split(/^#{1,2} /m)[0] ?? '';
  return section
    .split('\n')
    .filter((line) => line.startsWith('|'))
    .slice(2) // header and separator
    .map((line) =>
      line
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((c) => c.trim()),
    );
}

describe('README services table', () => {
  it('lists every registered service with the row its module declares', () => {
    const declared = createIntents(noDeps)
      .modules.map((m) => m.readme)
      .filter((r): r is ServiceSummary => !!r);
    const expected = declared.map((r) => [
      cell(r.service),
      cell(r.gets),
      r.request ? `\`${r.request}\`` : '—',
    ]);
    const rows = readmeRows();
    if (JSON.stringify(rows) !== JSON.stringify(expected)) {
      // What to paste under "## Public services" (then `npx prettier --write README.md`).
      console.error(
        [
          '| service | what the citizen gets | request created |',
          '| - | - | - |',
          ...declared.map(markdownRow),
        ].join('\n'),
      );
    }
    expect(rows).toEqual(expected);
  });
});
