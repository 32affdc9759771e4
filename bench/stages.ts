// What a phase's turns spent in each stage, from the server's own metrics (METRICS_BIND: the engine times every
// turn's stages, docs/operations.md#metrics): read before and after the phase, the difference of the stage
// histograms' sums and counts gives each stage's mean, and so what dominates the phase's latency.
import { TURN_STAGES } from '../bot/ports';

export type StageTotals = Map<string, { count: number; seconds: number }>;

/** The stage histograms' counts and sums as the server reports them now (empty when it does not answer). */
export async function readStages(url: string | undefined): Promise<StageTotals> {
  const totals: StageTotals = new Map();
  if (!url) return totals;
  const text = await fetch(url)
    .then((r) => r.text())
    .catch(() => '');
  for (const line of text.split('\n')) {
    const m = /^guichet_turn_stage_duration_seconds_(sum|count)\{stage="([a-z]+)"\} (\S+)$/.exec(line);
    if (!m) continue;
    const entry = totals.get(m[2]!) ?? { count: 0, seconds: 0 };
    if (m[1] === 'sum') entry.seconds = Number(m[3]);
    else entry.count = Number(m[3]);
    totals.set(m[2]!, entry);
  }
  return totals;
}

/** "coordination 1.2, load 0.4, …" (mean ms per turn that went through the stage), or '' without metrics. */
export function stageMeans(before: StageTotals, after: StageTotals): string {
  const parts: string[] = [];
  for (const stage of TURN_STAGES) {
    const a = after.get(stage);
    if (!a) continue;
    const b = before.get(stage) ?? { count: 0, seconds: 0 };
    const count = a.count - b.count;
    if (count <= 0) continue;
    parts.push(`${stage} ${(((a.seconds - b.seconds) / count) * 1000).toFixed(2)}`);
  }
  return parts.join(', ');
}
