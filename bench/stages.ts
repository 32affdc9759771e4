// What a phase's turns spent in each stage, from the server's own metrics (METRICS_BIND: the engine times every
// turn's stages, docs/operations.md#metrics): read before and after the phase, the difference of the stage
// histograms' sums and counts gives each stage's mean, and so what dominates the phase's latency; the difference
// of the process's CPU seconds over its turns gives the server's CPU per turn (a figure that, unlike latency,
// does not grow with a queue: what a change of code saves or costs).
import { TURN_STAGES } from '../bot/ports';

export interface StageTotals {
  stages: Map<string, { count: number; seconds: number }>;
  /** Turns ended (every outcome), and the server process's CPU seconds so far. */
  turns: number;
  /** Absent when the server does not report its process metrics. */
  cpuSeconds?: number;
}

/** The stage histograms' counts and sums as the server reports them now (empty when it does not answer). */
export async function readStages(url: string | undefined): Promise<StageTotals> {
  const totals: StageTotals = { stages: new Map(), turns: 0 };
  if (!url) return totals;
  const text = await fetch(url)
    .then((r) => r.text())
    .catch(() => '');
  for (const line of text.split('\n')) {
    const turns = /^guichet_turns_total\{[^}]*\} (\S+)$/.exec(line);
    if (turns) totals.turns += Number(turns[1]);
    const cpu = /^process_cpu_seconds_total (\S+)$/.exec(line);
    if (cpu) totals.cpuSeconds = Number(cpu[1]);
    const m = /^guichet_turn_stage_duration_seconds_(sum|count)\{stage="([a-z]+)"\} (\S+)$/.exec(line);
    if (!m) continue;
    const entry = totals.stages.get(m[2]!) ?? { count: 0, seconds: 0 };
    if (m[1] === 'sum') entry.seconds = Number(m[3]);
    else entry.count = Number(m[3]);
    totals.stages.set(m[2]!, entry);
  }
  return totals;
}

/**
 * "coordination 1.2, load 0.4, …; server CPU 2.1 per turn" (mean ms per turn that went through the stage; the
 * server's CPU over the turns ended between the readings), or '' without metrics.
 */
export function stageMeans(before: StageTotals, after: StageTotals): string {
  const parts: string[] = [];
  for (const stage of TURN_STAGES) {
    const a = after.stages.get(stage);
    if (!a) continue;
    const b = before.stages.get(stage) ?? { count: 0, seconds: 0 };
    const count = a.count - b.count;
    if (count <= 0) continue;
    parts.push(`${stage} ${(((a.seconds - b.seconds) / count) * 1000).toFixed(2)}`);
  }
  const turns = after.turns - before.turns;
  if (parts.length === 0 || turns <= 0 || after.cpuSeconds === undefined || before.cpuSeconds === undefined)
    return parts.join(', ');
  return `${parts.join(', ')}; server CPU ${(((after.cpuSeconds - before.cpuSeconds) / turns) * 1000).toFixed(2)} per turn`;
}
