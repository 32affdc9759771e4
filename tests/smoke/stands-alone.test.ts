// The repository stands alone: no tracked file reads, links to or cites the `shared` folder that sits
// beside the checkout on the development machines (it is not part of a clone). What the project needs from
// it was copied in, with its source and licence (bot/nlu/eval, knowledge/importers/fixtures). .ci/run
// proves the rest by running the suite from a clone that has nothing beside it.
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './support';

// Written in pieces, so that this file does not match itself.
const SHARED = 'shared';
// A relative path up to a folder named so, from any depth: fine only while it stays inside the repository.
const RELATIVE_SHARED = new RegExp(`(?:\\.\\./)+${SHARED}\\b`, 'g');
const OUTSIDE_REFERENCES = [
  new RegExp(`['"]\\.\\.['"],\\s*['"]${SHARED}['"]`),
  new RegExp(`/work/${SHARED}\\b`),
  new RegExp(`\\b${SHARED}/(nlu|data)/`), // its NLU set and DILA records
  new RegExp(`\\b${SHARED}/DESIGN\\.md`),
];

/** A relative `…/shared` path that, read from the file's own folder, leads out of the repository. */
function leavesRepo(file: string, line: string): boolean {
  return [...line.matchAll(RELATIVE_SHARED)].some((match) => {
    const target = path.resolve(REPO_ROOT, path.dirname(file), match[0]);
    return !target.startsWith(REPO_ROOT + path.sep);
  });
}

function trackedFiles(): string[] {
  return execFileSync('git', ['ls-files', '-z'], { cwd: REPO_ROOT, encoding: 'utf8' })
    .split('\0')
    .filter(Boolean);
}

describe('the repository stands alone', () => {
  it('has no tracked file that refers to the shared folder beside the checkout', () => {
    const files = trackedFiles();
    expect(files.length).toBeGreaterThan(100);
    const offending: string[] = [];
    for (const file of files) {
      const absolute = path.join(REPO_ROOT, file);
      let text: string;
      try {
        if (statSync(absolute).size > 2_000_000) continue;
        text = readFileSync(absolute, 'utf8');
      } catch {
        continue; // deleted in the work tree
      }
      if (text.includes('\0')) continue; // binary
      text.split('\n').forEach((line, i) => {
        if (OUTSIDE_REFERENCES.some((pattern) => pattern.test(line)) || leavesRepo(file, line))
          offending.push(`${file}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(offending).toEqual([]);
  });

  it('would catch each way the code used to reach outside', () => {
    const caught = (line: string, file = 'bot/nlu/accuracy.test.ts') =>
      OUTSIDE_REFERENCES.some((pattern) => pattern.test(line)) || leavesRepo(file, line);
    expect(caught(`path.resolve(__dirname, '../../../${SHARED}/nlu/dev.jsonl')`)).toBe(true);
    expect(caught(`see ../${SHARED}/README.md`, 'README.md')).toBe(true);
    expect(caught(`import { fold } from '../${SHARED}/text';`, 'intents/library-registration/form.ts')).toBe(
      false,
    );
    expect(caught(`path.resolve(REPO_ROOT, '..', '${SHARED}')`)).toBe(true);
    expect(caught(`Ports and adapters (see \`../${SHARED}/DESIGN.md\`)`)).toBe(true);
    expect(caught(`Labels of \`${SHARED}/nlu/LABELS.md\``)).toBe(true);
    expect(caught('the shared store (PGlite) and shared-store.contract.ts')).toBe(false);
  });

  it('ships the DILA records it tests with their source and licence', () => {
    const sources = readFileSync(
      path.join(REPO_ROOT, 'knowledge/importers/fixtures/dila-annuaire/SOURCES.md'),
      'utf8',
    );
    expect(sources).toMatch(/Licence Ouverte \/ Etalab 2\.0/);
    expect(sources).toMatch(/Service-Public\.gouv\.fr \/ DILA/);
  });
});
