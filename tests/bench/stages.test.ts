// The bench's stage means (bench/stages.ts) read from a real metrics listener: what it prints under a phase is
// the mean time of each stage for the turns of that phase only.
import { PrometheusMetrics, startMetricsServer } from '../../adapters/metrics';
import { readStages, stageMeans } from '../../bench/stages';

it('gives each stage’s mean over the turns between two readings, and nothing without metrics', async () => {
  const metrics = new PrometheusMetrics({}, { processMetrics: false });
  const server = await startMetricsServer({ metrics, host: '127.0.0.1', port: 0 });
  try {
    const turn = (stages: Record<string, number>) =>
      metrics.turnEnded({ channel: 'sms', outcome: 'answered', seconds: 1, stages });
    turn({ coordination: 0.5, load: 0.5 }); // before the phase: not counted
    const before = await readStages(server.url);
    turn({ coordination: 0.001, load: 0.004, dialogue: 0.01 });
    turn({ coordination: 0.003, load: 0.002 }); // a turn that ended early: no dialogue
    const after = await readStages(server.url);
    expect(stageMeans(before, after)).toBe('coordination 2.00, load 3.00, dialogue 10.00');
    expect(stageMeans(new Map(), await readStages(undefined))).toBe('');
    expect(await readStages('http://127.0.0.1:9/metrics')).toEqual(new Map());
  } finally {
    await server.close();
  }
});
