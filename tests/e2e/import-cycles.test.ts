// No import cycles between our modules, `import type` included. The lint rule (import-x/no-cycle) skips
// type-only imports by design, yet a type-only cycle still means two modules that should share a third.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const root = path.resolve(__dirname, '../..');
const SOURCE_DIRS = [
  'bot',
  'intents',
  'knowledge',
  'channels',
  'adapters',
  'backoffice',
  'server',
  'tests',
  'bench',
];

function tsFiles(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && entry.name !== 'public') tsFiles(file, out);
    } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) {
      out.push(file);
    }
  }
  return out;
}

/** The file a relative specifier names (`./x` → x.ts or x/index.ts), or undefined for a package. */
function resolveRelative(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const base = path.resolve(path.dirname(from), specifier);
  for (const candidate of [`${base}.ts`, path.join(base, 'index.ts'), base]) {
    if (candidate.endsWith('.ts') && existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}

function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of SOURCE_DIRS.flatMap((dir) => tsFiles(path.join(root, dir)))) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const targets = importedFiles.map((f) => resolveRelative(file, f.fileName));
    graph.set(
      file,
      targets.filter((t): t is string => t !== undefined),
    );
  }
  return graph;
}

/** Every cycle found by a depth-first walk, each as the chain of repository paths that closes it. */
function cycles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const done = new Set<string>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const visit = (file: string): void => {
    stack.push(file);
    onStack.add(file);
    for (const next of graph.get(file) ?? []) {
      if (onStack.has(next)) found.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!done.has(next)) visit(next);
    }
    stack.pop();
    onStack.delete(file);
    done.add(file);
  };
  for (const file of graph.keys()) if (!done.has(file)) visit(file);
  return found.map((chain) => chain.map((f) => path.relative(root, f)));
}

describe('imports', () => {
  it('form no cycle, type-only imports included', () => {
    expect(cycles(importGraph())).toEqual([]);
  });

  it('would see a type-only cycle', () => {
    const a = path.join(root, 'a.ts');
    const b = path.join(root, 'b.ts');
    expect(
      cycles(
        new Map([
          [a, [b]],
          [b, [a]],
        ]),
      ),
    ).toEqual([['a.ts', 'b.ts', 'a.ts']]);
    // And the graph reads `import type` lines (the kind the lint rule skips).
    const { importedFiles } = ts.preProcessFile("import type { X } from './x';\n", true, true);
    expect(importedFiles.map((f) => f.fileName)).toEqual(['./x']);
  });
});
