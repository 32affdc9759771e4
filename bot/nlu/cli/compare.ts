// `npm run nlu:compare [-- FILE.jsonl]`: trains NLP.js (node-nlp NlpManager, fr + en) on the same
// training files as ours, evaluates both on the labelled file (default bot/nlu/eval/dev.jsonl) and
// prints accuracy, macro-F1 and ms/utterance (median, p99) side by side.
// Timing: one untimed pass each (which also warms both up), then REPEAT timed passes over the file,
// per utterance.
import { cpus, loadavg } from 'node:os';
import { NlpManager } from 'node-nlp';
import { createNlu } from '../index';
import { EVALUATION_SET, evaluate, percentile, readLabelled, type Prediction } from '../evaluation';
import { loadTrainingExamples } from '../training-data';
import { INTENTS, type Intent, type Language } from '../types';
import { detectLanguage } from '../language';
import { fold, tokenize, expandSms } from '../normalize';
import { loadLexicon } from '../lexicon';

const DEFAULT_FILE = EVALUATION_SET;
const REPEAT = 5;
const TIME_ZONE = 'Europe/Paris';

interface Row {
  name: string;
  accuracy: number;
  macroF1: number;
  median: number;
  p99: number;
  loadMs: number;
}

const asIntent = (label: string): Intent => INTENTS.find((i) => i === label) ?? 'knowledge';

/** NLP.js prints training progress and warnings through console; keep the comparison readable. */
async function silenced<T>(fn: () => Promise<T>): Promise<T> {
  const saved = { log: console.log, info: console.info, warn: console.warn, debug: console.debug };
  const noop = (): void => undefined;
  Object.assign(console, { log: noop, info: noop, warn: noop, debug: noop });
  try {
    return await fn();
  } finally {
    Object.assign(console, saved);
  }
}

async function main(): Promise<number> {
  const file = process.argv[2] ?? DEFAULT_FILE;
  const examples = readLabelled(file, (line, message) => process.stderr.write(`line ${line}: ${message}\n`));
  if (examples.length === 0) {
    process.stderr.write(`no labelled utterance in ${file}\n`);
    return 1;
  }
  const now = new Date();
  const training = loadTrainingExamples();

  // Ours.
  let t = performance.now();
  const nlu = createNlu();
  const oursLoad = performance.now() - t;
  const ours: Prediction[] = examples.map((ex) => ({
    intent: nlu.analyze(ex.text, { now, timeZone: TIME_ZONE }).intent,
    entities: {},
  }));

  // NLP.js, same training sentences, told the language our detector finds (it helps NLP.js).
  const lexicon = loadLexicon();
  const languageOf = (text: string): Language =>
    detectLanguage(text, expandSms(tokenize(fold(text)), lexicon.text));
  t = performance.now();
  const manager = await silenced(async () => {
    const m = new NlpManager({
      languages: ['fr', 'en'],
      nlu: { log: false },
      autoSave: false,
      autoLoad: false,
    });
    for (const ex of training) m.addDocument(ex.language, ex.text, ex.intent);
    await m.train();
    return m;
  });
  const nlpjsLoad = performance.now() - t;
  const languages = examples.map((ex) => languageOf(ex.text));
  const nlpjs: Prediction[] = await silenced(async () => {
    const out: Prediction[] = [];
    for (const [i, ex] of examples.entries()) {
      const r = await manager.process(languages[i] ?? 'fr', ex.text);
      out.push({ intent: asIntent(r.intent), entities: {} });
    }
    return out;
  });

  // Timed passes, alternating one pass of each engine so that whatever else the machine is doing
  // weighs on both alike (and each pays for its own garbage collection).
  const oursTimes: number[] = [];
  const nlpjsTimes: number[] = [];
  await silenced(async () => {
    for (let r = 0; r < REPEAT; r++) {
      for (const ex of examples) {
        const start = performance.now();
        nlu.analyze(ex.text, { now, timeZone: TIME_ZONE });
        oursTimes.push(performance.now() - start);
      }
      for (const [i, ex] of examples.entries()) {
        const start = performance.now();
        await manager.process(languages[i] ?? 'fr', ex.text);
        nlpjsTimes.push(performance.now() - start);
      }
    }
  });

  const row = (name: string, predictions: Prediction[], times: number[], loadMs: number): Row => {
    const report = evaluate(examples, predictions);
    const sorted = [...times].sort((a, b) => a - b);
    return {
      name,
      accuracy: report.accuracy,
      macroF1: report.macroF1,
      median: percentile(sorted, 50),
      p99: percentile(sorted, 99),
      loadMs,
    };
  };
  const rows = [
    row('guichet (ours)', ours, oursTimes, oursLoad),
    row('NLP.js (node-nlp)', nlpjs, nlpjsTimes, nlpjsLoad),
  ];
  process.stdout.write(
    `${examples.length} utterances from ${file}; ${training.length} training sentences; timings over ${REPEAT} passes\n`,
  );
  // Timings are wall-clock: say how busy the machine was.
  process.stdout.write(`machine: ${cpus().length} CPUs, load average ${(loadavg()[0] ?? 0).toFixed(1)}\n`);
  process.stdout.write(
    `${'engine'.padEnd(20)} ${'accuracy'.padStart(8)} ${'macro-F1'.padStart(8)} ${'ms median'.padStart(10)} ${'ms p99'.padStart(8)} ${'load ms'.padStart(8)}\n`,
  );
  for (const r of rows) {
    process.stdout.write(
      `${r.name.padEnd(20)} ${(r.accuracy * 100).toFixed(1).padStart(7)}% ${r.macroF1.toFixed(3).padStart(8)} ${r.median.toFixed(3).padStart(10)} ${r.p99.toFixed(3).padStart(8)} ${r.loadMs.toFixed(0).padStart(8)}\n`,
    );
  }
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 1;
  },
);
