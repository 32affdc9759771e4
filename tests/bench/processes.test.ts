// The benches' accounting of the machine's processes (bench/processes.ts): where a turn's CPU goes, and what the
// platform's comparison says a turn waited for.
import { spawnSync } from 'node:child_process';
import {
  cpuByProcess,
  cpuPerTurn,
  cpuUsedByGroup,
  pressureStallUs,
  processes,
  runQueueWaitMs,
  type CpuByProcess,
} from '../../bench/processes';

const reading = (entries: [string, string, number][]): CpuByProcess =>
  new Map(entries.map(([key, group, cpuS]) => [key, { group, cpuS }]));

it('counts each group’s CPU between two readings: a process started meanwhile from zero, one gone left out', () => {
  const before = reading([
    ['10:1', 'guichet', 5],
    ['20:1', 'postgresql', 2],
    ['21:1', 'postgresql', 100], // exits before the second reading
    ['30:1', 'redis', 1],
  ]);
  const after = reading([
    ['10:1', 'guichet', 5.5],
    ['20:1', 'postgresql', 2.25],
    ['22:7', 'postgresql', 0.25], // a backend started meanwhile
    ['30:1', 'redis', 1],
  ]);
  expect(Object.fromEntries(cpuUsedByGroup(before, after))).toEqual({
    guichet: 0.5,
    postgresql: 0.5,
    redis: 0,
  });
  expect(cpuPerTurn(before, after, 100)).toBe(
    'guichet 5.00, postgresql 5.00, redis 0.00, haproxy 0.00, load generator 0.00, other 0.00; all 10.00 ms/turn',
  );
});

it('names this process the load generator and the servers’ processes Guichet', () => {
  const all = processes();
  const self = all.find((p) => p.pid === process.pid);
  expect(self?.cpuS).toBeGreaterThan(0);
  const groups = cpuByProcess(all, []);
  expect(groups.get(`${process.pid}:${self!.started}`)?.group).toBe('load generator');
  expect(cpuByProcess(all, [self!]).get(`${process.pid}:${self!.started}`)?.group).toBe('guichet');
});

it('reads how long a process waited for a CPU, and nothing for a process that has gone', () => {
  const waited = runQueueWaitMs(process.pid);
  expect(Number.isFinite(waited)).toBe(true);
  expect(waited).toBeGreaterThanOrEqual(0);
  const gone = spawnSync(process.execPath, ['-e', '0']).pid;
  expect(runQueueWaitMs(gone)).toBeUndefined();
});

it('reads the machine’s stalls as a count that only grows, where the kernel reports them', () => {
  const first = pressureStallUs('cpu');
  if (first === undefined) return; // a kernel without pressure stall information: the bench prints 0
  expect(Number.isInteger(first)).toBe(true);
  expect(pressureStallUs('cpu')).toBeGreaterThanOrEqual(first);
  expect(Number.isInteger(pressureStallUs('io'))).toBe(true);
});
