// `npm run nlu:eval -- FILE.jsonl [--now ISO] [--tz Europe/Paris]`: accuracy per intent, overall
// accuracy, macro-F1, entity accuracy for labelled entities and the confusion list.
import { createNlu } from '../index';
import { buildModel, createEngine } from '../engine';
import {
  evaluate,
  formatReport,
  readLabelled,
  toPrediction,
  type LabelledExample,
  type Prediction,
} from '../evaluation';
import { loadTrainingExamples } from '../training-data';

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

/** K-fold cross-validation on the training files: an estimate of how well we generalise. */
function crossValidate(k: number): number {
  const all = loadTrainingExamples();
  const now = new Date();
  const gold: LabelledExample[] = [];
  const predictions: Prediction[] = [];
  for (let fold = 0; fold < k; fold++) {
    const nlu = createEngine(buildModel(all.filter((_, i) => i % k !== fold)));
    all.forEach((ex, i) => {
      if (i % k !== fold) return;
      gold.push({ text: ex.text, intent: ex.intent });
      predictions.push(toPrediction(nlu.analyze(ex.text, { now, timeZone: 'Europe/Paris' })));
    });
  }
  process.stdout.write(`${k}-fold cross-validation on the training files\n`);
  process.stdout.write(`${formatReport(evaluate(gold, predictions))}\n`);
  return 0;
}

function main(): number {
  const args = process.argv.slice(2);
  const cv = option(args, '--cv');
  if (cv) return crossValidate(Number(cv) || 5);
  const file = args.find((a, i) => !a.startsWith('--') && !(args[i - 1] ?? '').startsWith('--'));
  if (!file) {
    process.stderr.write('usage: npm run nlu:eval -- FILE.jsonl [--now ISO-INSTANT] [--tz ZONE]\n');
    return 2;
  }
  const nowArg = option(args, '--now');
  const now = nowArg ? new Date(nowArg) : new Date();
  if (Number.isNaN(now.getTime())) {
    process.stderr.write(`invalid --now: ${nowArg}\n`);
    return 2;
  }
  const timeZone = option(args, '--tz') ?? 'Europe/Paris';
  const examples = readLabelled(file, (line, message) => process.stderr.write(`line ${line}: ${message}\n`));
  const nlu = createNlu();
  const predictions = examples.map((ex) => toPrediction(nlu.analyze(ex.text, { now, timeZone })));
  process.stdout.write(`${formatReport(evaluate(examples, predictions))}\n`);
  return 0;
}

process.exitCode = main();
