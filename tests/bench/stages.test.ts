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
    const nothing = { stages: new Map(), turns: 0, gcSeconds: new Map() };
    expect(stageMeans(nothing, await readStages(undefined))).toBe('');
    expect(await readStages('http://127.0.0.1:9/metrics')).toEqual(nothing);
  } finally {
    await server.close();
  }
});

it('adds the server’s CPU per turn when the server reports its process metrics', async () => {
  const metrics = new PrometheusMetrics({}, { processMetrics: true });
  const server = await startMetricsServer({ metrics, host: '127.0.0.1', port: 0 });
  try {
    const before = await readStages(server.url);
    expect(before.cpuSeconds).toBeGreaterThan(0);
    for (let i = 0; i < 4; i++)
      metrics.turnEnded({ channel: 'sms', outcome: 'answered', seconds: 0.002, stages: { dialogue: 0.002 } });
    const after = await readStages(server.url);
    expect(after.turns - before.turns).toBe(4);
    expect(stageMeans(before, after)).toMatch(
      // The collector's kinds appear once one of them has run in this process.
      /^dialogue 2\.00; server CPU \d+\.\d\d per turn(; GC (minor|major) \d+\.\d\d(, major \d+\.\d\d)?)?$/,
    );
    // 10 ms of this process's CPU over the four turns: 2.5 ms each; 4 ms of scavenges, 8 of mark-compact.
    const gc = (minor: number, major: number) =>
      new Map([
        ['minor', minor],
        ['major', major],
      ]);
    expect(
      stageMeans(
        { ...before, cpuSeconds: 1, gcSeconds: gc(1, 2) },
        { ...after, cpuSeconds: 1.01, gcSeconds: gc(1.004, 2.008) },
      ),
    ).toBe('dialogue 2.00; server CPU 2.50 per turn; GC minor 1.00, major 2.00');
  } finally {
    await server.close();
  }
});

it('adds how often a platform parsed territories and FAQs again, when the server reports it', async () => {
  const territories = { territories: 1, parsed: 1, inflations: 10, faqsParsed: 1, faqInflations: 20 };
  const metrics = new PrometheusMetrics({ territories: () => territories }, { processMetrics: true });
  const server = await startMetricsServer({ metrics, host: '127.0.0.1', port: 0 });
  try {
    const before = await readStages(server.url);
    expect(before.inflations).toEqual({ territories: 10, faqs: 20 });
    for (let i = 0; i < 4; i++)
      metrics.turnEnded({ channel: 'sms', outcome: 'answered', seconds: 0.002, stages: { dialogue: 0.002 } });
    Object.assign(territories, { inflations: 11, faqInflations: 23 });
    expect(stageMeans(before, await readStages(server.url))).toMatch(
      /; per 100 turns 25 territories and 75 FAQs parsed again$/,
    );
  } finally {
    await server.close();
  }
});
