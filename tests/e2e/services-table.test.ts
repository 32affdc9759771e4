// The README's "Public services" table is the registered services' own description (ServiceDescription
// `readme` in each intents/<service>/index.ts), row for row and in registration order.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ServiceDescription } from '../../bot/intent-module';
import { createIntents, type IntentDeps } from '../../intents';

const readme = readFileSync(path.resolve(__dirname, '../../README.md'), 'utf8');

/** Modules only read their dependencies when a turn runs: none is needed to list what they declare. */
const noDeps = {} as IntentDeps;

const cell = (text: string) => text.replace(/\|/g, '\\|');
/** The request type column comes from what the module records (`records.type`), not from a second copy. */
const requestCell = (m: ServiceDescription) => (m.records ? `\`${m.records.type}\`` : '—');
const markdownRow = (m: ServiceDescription & { readme: NonNullable<ServiceDescription['readme']> }) =>
  `| ${cell(m.readme.service)} | ${cell(m.readme.gets)} | ${requestCell(m)} |`;

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
    const declared = createIntents(noDeps).modules.filter(
      (m): m is typeof m & { readme: NonNullable<ServiceDescription['readme']> } => !!m.readme,
    );
    const expected = declared.map((m) => [cell(m.readme.service), cell(m.readme.gets), requestCell(m)]);
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
