// CPU time of the machine's processes from /proc, grouped by what they are (Guichet, PostgreSQL, Redis, HAProxy,
// the load generator): the benches say where a turn's CPU goes, all processes counted.
import { readFileSync, readdirSync } from 'node:fs';

export interface ProcessStat {
  pid: number;
  ppid: number;
  comm: string;
  /** utime + stime so far. */
  cpuS: number;
  /** stime alone: the kernel's part (system calls, and on loopback the receiver's network stack). */
  sysS: number;
  /** Clock ticks after boot when it started: with the pid, names the process even if its pid is reused. */
  started: number;
}

/** Every process of the machine, from /proc/<pid>/stat. */
export function processes(): ProcessStat[] {
  const found: ProcessStat[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    found.push({
      pid: Number(entry),
      ppid: Number(fields[1]),
      comm: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')),
      cpuS: (Number(fields[11]) + Number(fields[12])) / 100,
      sysS: Number(fields[12]) / 100,
      started: Number(fields[19]),
    });
  }
  return found;
}

/** The servers' processes: the instances started and their children. */
export const serverProcesses = (all: ProcessStat[], pids: number[]): ProcessStat[] =>
  all.filter((p) => pids.includes(p.pid) || pids.includes(p.ppid));

/** CPU seconds used so far by every process, and what it is (to see where a turn's CPU goes), by pid and start time. */
export function cpuByProcess(all: ProcessStat[], serverProcs: ProcessStat[]): CpuByProcess {
  const server = new Set(serverProcs.map((p) => p.pid));
  const found = new Map<string, { group: string; cpuS: number }>();
  for (const p of all) {
    const group = server.has(p.pid)
      ? 'guichet'
      : p.pid === process.pid
        ? 'load generator'
        : /^postgres/.test(p.comm)
          ? 'postgresql'
          : /^redis/.test(p.comm)
            ? 'redis'
            : /^haproxy/.test(p.comm)
              ? 'haproxy'
              : 'other';
    found.set(`${p.pid}:${p.started}`, { group, cpuS: p.cpuS });
  }
  return found;
}

/** What a process's group is: see cpuByProcess. */
export type CpuByProcess = Map<string, { group: string; cpuS: number }>;

/**
 * CPU seconds used by each group between two readings, from the processes alive at the second (those started
 * meanwhile count from zero). One that exited meanwhile (an autovacuum worker, a command run beside) is left out:
 * its time in between is unknown, and subtracting its whole life made a group negative.
 */
export function cpuUsedByGroup(before: CpuByProcess, after: CpuByProcess): Map<string, number> {
  const used = new Map<string, number>();
  for (const [key, { group, cpuS }] of after)
    used.set(group, (used.get(group) ?? 0) + cpuS - (before.get(key)?.cpuS ?? 0));
  return used;
}

/** CPU per turn by group (cpuUsedByGroup), and of all of them. */
export function cpuPerTurn(before: CpuByProcess, after: CpuByProcess, turns: number): string {
  const used = cpuUsedByGroup(before, after);
  const parts: string[] = [];
  let total = 0;
  for (const group of ['guichet', 'postgresql', 'redis', 'haproxy', 'load generator', 'other']) {
    const ms = ((used.get(group) ?? 0) * 1000) / Math.max(1, turns);
    total += ms;
    parts.push(`${group} ${ms.toFixed(2)}`);
  }
  return `${parts.join(', ')}; all ${total.toFixed(2)} ms/turn`;
}

/**
 * Microseconds some task of the machine stalled waiting for `resource` so far (the kernel's pressure stall
 * information, "some" line), or undefined where the kernel does not report it: time the whole machine lost to a
 * shortage of CPU or to waiting on the disk, whichever process caused it.
 */
export function pressureStallUs(resource: 'cpu' | 'io'): number | undefined {
  try {
    const some = /^some .* total=(\d+)$/m.exec(readFileSync(`/proc/pressure/${resource}`, 'utf8'));
    return some ? Number(some[1]) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Milliseconds the main thread of process `pid` was runnable but waited for a CPU so far (/proc/<pid>/schedstat:
 * time on a CPU, time waiting in the run queue, both in ns), or undefined when the process has gone.
 */
export function runQueueWaitMs(pid: number): number | undefined {
  try {
    const [, waitingNs] = readFileSync(`/proc/${pid}/schedstat`, 'utf8').trim().split(' ');
    return Number(waitingNs) / 1e6;
  } catch {
    return undefined;
  }
}

/**
 * Read and write system calls of the servers so far (/proc/<pid>/io): a count that, unlike CPU time, does
 * not move with the machine's other load. Each socket write to Redis, PostgreSQL or a client is one.
 */
export function syscallsOf(server: ProcessStat[]): { reads: number; writes: number } {
  let reads = 0;
  let writes = 0;
  for (const p of server) {
    const io = readFileSync(`/proc/${p.pid}/io`, 'utf8');
    reads += Number(/syscr:\s+(\d+)/.exec(io)?.[1] ?? 0);
    writes += Number(/syscw:\s+(\d+)/.exec(io)?.[1] ?? 0);
  }
  return { reads, writes };
}
