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
  /** Seconds of garbage collection by kind (minor: scavenges; major: mark-compact), main thread. */
  gcSeconds: Map<string, number>;
  /** The event loop's longest delay since the previous reading (the server resets it at each one), seconds. */
  loopDelayMaxS?: number;
  /** Territories and FAQs parsed again after they had left their cache (load.ts); absent when not reported. */
  inflations?: { territories: number; faqs: number };
}

/** The stage histograms' counts and sums as the server reports them now (empty when it does not answer). */
export async function readStages(url: string | undefined): Promise<StageTotals> {
  const totals: StageTotals = {
    stages: new Map(),
    turns: 0,
    gcSeconds: new Map(),
  };
  if (!url) return totals;
  const text = await fetch(url)
    .then((r) => r.text())
    .catch(() => '');
  for (const line of text.split('\n')) {
    const turns = /^guichet_turns_total\{[^}]*\} (\S+)$/.exec(line);
    if (turns) totals.turns += Number(turns[1]);
    const cpu = /^process_cpu_seconds_total (\S+)$/.exec(line);
    if (cpu) totals.cpuSeconds = Number(cpu[1]);
    const delay = /^nodejs_eventloop_lag_max_seconds (\S+)$/.exec(line);
    if (delay) totals.loopDelayMaxS = Number(delay[1]);
    const gc = /^nodejs_gc_duration_seconds_sum\{kind="([a-z]+)"\} (\S+)$/.exec(line);
    if (gc) totals.gcSeconds.set(gc[1]!, Number(gc[2]));
    const inflated = /^guichet_territory_(faq_)?inflations_total (\S+)$/.exec(line);
    if (inflated) {
      totals.inflations ??= { territories: 0, faqs: 0 };
      totals.inflations[inflated[1] ? 'faqs' : 'territories'] = Number(inflated[2]);
    }
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
 * "coordination 1.2, load 0.4, …; server CPU 2.1 per turn; GC minor 0.2, major 0.1; per 100 turns 3 territories
 * and 40 FAQs parsed again" (mean ms per turn that went through the stage; the server's CPU and its garbage
 * collector's pauses over the turns ended between the readings; what a platform's caches cost), or '' without
 * metrics.
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
  const perTurn = (seconds: number) => ((seconds / turns) * 1000).toFixed(2);
  const gc = ['minor', 'major']
    .filter((kind) => after.gcSeconds.has(kind))
    .map(
      (kind) => `${kind} ${perTurn((after.gcSeconds.get(kind) ?? 0) - (before.gcSeconds.get(kind) ?? 0))}`,
    );
  const [a, b] = [after.inflations, before.inflations ?? { territories: 0, faqs: 0 }];
  const per100 = (n: number) => Math.round((n / turns) * 100);
  return [
    `${parts.join(', ')}; server CPU ${perTurn(after.cpuSeconds - before.cpuSeconds)} per turn`,
    gc.length ? `GC ${gc.join(', ')}` : '',
    a
      ? `per 100 turns ${per100(a.territories - b.territories)} territories and ${per100(a.faqs - b.faqs)} FAQs parsed again`
      : '',
  ]
    .filter(Boolean)
    .join('; ');
}
