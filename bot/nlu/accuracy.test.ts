// Quality gate: intent accuracy on the evaluation set (never trained on; see training-data.test.ts).
import { createNlu } from './index';
import { EVALUATION_SET, evaluate, readLabelled, toPrediction } from './evaluation';

describe('NLU accuracy on the evaluation set (bot/nlu/eval/dev.jsonl)', () => {
  const examples = readLabelled(EVALUATION_SET, (line, message) => {
    throw new Error(`dev.jsonl line ${line}: ${message}`);
  });
  const nlu = createNlu({ warmUp: false });
  const now = new Date('2026-05-13T10:00:00Z');
  const report = evaluate(
    examples,
    examples.map((ex) => toPrediction(nlu.analyze(ex.text, { now, timeZone: 'Europe/Paris' }))),
  );

  it('reads the whole labelled set', () => {
    expect(examples.length).toBeGreaterThanOrEqual(80);
  });

  it('classifies at least 95% of the intents right', () => {
    expect(report.accuracy).toBeGreaterThanOrEqual(0.95);
  });

  it('keeps a macro-F1 of at least 0.95 (no intent sacrificed to the big ones)', () => {
    expect(report.macroF1).toBeGreaterThanOrEqual(0.95);
  });

  it('finds the labelled facilities and categories', () => {
    for (const e of report.entities) expect(e.accuracy).toBeGreaterThanOrEqual(0.9);
  });
});
