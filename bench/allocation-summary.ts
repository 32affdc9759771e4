// `npx tsx bench/allocation-summary.ts [file]`: bytes allocated per SMS turn, and by what, from the profile that
// bench/allocation-sampler.js wrote during the bench's SMS closed loop (BENCHMARKS.md). "self" is what a
// function allocated itself; "within" adds what the functions it called allocated (Guichet's own code only).
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface SamplingNode {
  callFrame: CallFrame;
  selfSize: number;
  children: SamplingNode[];
}

// The sampler's own default: ALLOCATION_PROFILE when it was set for the run, else the same file in the temp folder.
const file =
  process.argv[2] ?? process.env.ALLOCATION_PROFILE ?? path.join(tmpdir(), 'guichet-allocations.json');
const { turns, survivors, profile } = JSON.parse(readFileSync(file, 'utf8')) as {
  turns: number;
  /** Only objects no young-generation collection freed were kept (ALLOCATION_SURVIVORS=1, an upper bound). */
  survivors?: boolean;
  profile: { head: SamplingNode };
};
const nameOf = (c: CallFrame) =>
  `${c.functionName || '(anonymous)'} ${c.url.replace(/^.*\/node_modules\//, '').replace(/^.*\/dist\//, '')}:${c.lineNumber + 1}`;

const self = new Map<string, number>();
const within = new Map<string, number>();
let total = 0;
const walk = (node: SamplingNode, callers: ReadonlySet<string>): void => {
  const name = nameOf(node.callFrame);
  total += node.selfSize;
  self.set(name, (self.get(name) ?? 0) + node.selfSize);
  const stack = new Set(callers).add(name);
  if (node.callFrame.url.includes('/dist/'))
    for (const n of stack) if (n.includes('.js:')) within.set(n, (within.get(n) ?? 0) + node.selfSize);
  for (const child of node.children) walk(child, stack);
};
walk(profile.head, new Set());

const kb = (bytes: number) => `${(bytes / Math.max(1, turns) / 1024).toFixed(1).padStart(6)} KB`;
console.log(
  `${turns} SMS turns sampled: ${kb(total).trim()} ${survivors ? 'not freed by a young-generation collection (at most promoted)' : 'allocated'} per turn`,
);
const top = (m: Map<string, number>, title: string, keep: (name: string) => boolean) => {
  console.log(`\n${title}`);
  for (const [name, bytes] of [...m]
    .filter(([n]) => keep(n))
    .sort((a, b) => b[1] - a[1])
    .slice(0, 25))
    console.log(`${kb(bytes)}  ${name}`);
};
top(self, 'allocated by the function itself, per turn', () => true);
top(
  within,
  "allocated within Guichet's functions (callees included), per turn",
  (n) => !n.includes('node_modules'),
);
