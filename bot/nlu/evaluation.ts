// Labelled-set evaluation shared by the eval/compare CLIs and the accuracy test: reading JSONL,
// accuracy, per-intent recall, macro-F1, entity accuracy, confusions.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { projectPath } from '../project-root';
import { INTENTS, type Intent, type NluResult } from './types';

/**
 * The project's labelled evaluation set (bot/nlu/eval/, see its README): measures the model, never trains it.
 * Kept out of bot/nlu/data/ (the training files); training-data.test.ts fails on any near-copy of it there.
 */
export const EVALUATION_SET = projectPath('bot', 'nlu', 'eval', 'dev.jsonl');

export const labelledSchema = z.object({
  text: z.string(),
  intent: z.enum(INTENTS),
  facility: z.string().optional(),
  category: z.string().optional(),
  reference: z.string().optional(),
  date: z.string().optional(),
});
export type LabelledExample = z.infer<typeof labelledSchema>;

export const LABELLED_ENTITY_TYPES = ['facility', 'category', 'reference', 'date'] as const;
type LabelledEntityType = (typeof LABELLED_ENTITY_TYPES)[number];

/** Reads a JSONL file; malformed lines are reported through `onError` and skipped. */
export function readJsonl(file: string, onError: (line: number, message: string) => void): unknown[] {
  const out: unknown[] = [];
  readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .forEach((line, i) => {
      if (line.trim() === '') return;
      try {
        out.push(JSON.parse(line));
      } catch (e) {
        onError(i + 1, e instanceof Error ? e.message : String(e));
      }
    });
  return out;
}

export function readLabelled(
  file: string,
  onError: (line: number, message: string) => void,
): LabelledExample[] {
  const out: LabelledExample[] = [];
  readJsonl(file, onError).forEach((value, i) => {
    const parsed = labelledSchema.safeParse(value);
    if (parsed.success) out.push(parsed.data);
    else onError(i + 1, parsed.error.issues[0]?.message ?? 'invalid line');
  });
  return out;
}

export interface Prediction {
  intent: Intent;
  confidence?: number;
  /** First value per entity type (what a dialogue would use). */
  entities: Partial<Record<LabelledEntityType, string>>;
}

export function toPrediction(result: Pick<NluResult, 'intent' | 'entities' | 'confidence'>): Prediction {
  const entities: Prediction['entities'] = {};
  for (const type of LABELLED_ENTITY_TYPES) {
    const e = result.entities.find((x) => x.type === type);
    if (e) entities[type] = e.value;
  }
  return { intent: result.intent, confidence: result.confidence, entities };
}

export interface IntentStats {
  intent: Intent;
  support: number;
  correct: number;
  precision: number;
  recall: number;
  f1: number;
}

export interface Report {
  total: number;
  accuracy: number;
  macroF1: number;
  perIntent: IntentStats[];
  entities: { type: LabelledEntityType; labelled: number; correct: number; accuracy: number }[];
  confusions: { text: string; expected: Intent; got: Intent }[];
  /** Expected calibration error of the confidence (10 bins), when predictions carry one. */
  calibrationError?: number;
  entityErrors: { text: string; type: LabelledEntityType; expected: string; got: string | undefined }[];
}

export function evaluate(examples: readonly LabelledExample[], predictions: readonly Prediction[]): Report {
  const perIntent: IntentStats[] = [];
  let correctTotal = 0;
  const confusions: Report['confusions'] = [];
  examples.forEach((ex, i) => {
    const got = predictions[i]?.intent ?? 'knowledge';
    if (got === ex.intent) correctTotal++;
    else confusions.push({ text: ex.text, expected: ex.intent, got });
  });
  // Macro-F1 over the intents present in the gold labels (absent classes would count as 0 or 1 arbitrarily).
  const present = INTENTS.filter((intent) => examples.some((e) => e.intent === intent));
  for (const intent of present) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    examples.forEach((ex, i) => {
      const got = predictions[i]?.intent;
      if (got === intent && ex.intent === intent) tp++;
      else if (got === intent) fp++;
      else if (ex.intent === intent) fn++;
    });
    const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
    const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    perIntent.push({ intent, support: tp + fn, correct: tp, precision, recall, f1 });
  }
  const entities: Report['entities'] = [];
  const entityErrors: Report['entityErrors'] = [];
  for (const type of LABELLED_ENTITY_TYPES) {
    let labelled = 0;
    let correct = 0;
    examples.forEach((ex, i) => {
      const expected = ex[type];
      if (expected === undefined) return;
      labelled++;
      const got = predictions[i]?.entities[type];
      if (got === expected) correct++;
      else entityErrors.push({ text: ex.text, type, expected, got });
    });
    if (labelled > 0) entities.push({ type, labelled, correct, accuracy: correct / labelled });
  }
  const total = examples.length;
  const calibrationError = expectedCalibrationError(examples, predictions);
  return {
    calibrationError,
    total,
    accuracy: total === 0 ? 0 : correctTotal / total,
    macroF1: perIntent.length === 0 ? 0 : perIntent.reduce((s, x) => s + x.f1, 0) / perIntent.length,
    perIntent,
    entities,
    confusions,
    entityErrors,
  };
}

/** |accuracy − mean confidence| per confidence decile, weighted by the decile's share. */
function expectedCalibrationError(
  examples: readonly LabelledExample[],
  predictions: readonly Prediction[],
): number | undefined {
  const bins = Array.from({ length: 10 }, () => ({ n: 0, correct: 0, confidence: 0 }));
  let seen = 0;
  predictions.forEach((p, i) => {
    if (p.confidence === undefined) return;
    const bin = bins[Math.min(9, Math.floor(p.confidence * 10))];
    if (!bin) return;
    seen++;
    bin.n++;
    bin.confidence += p.confidence;
    if (p.intent === examples[i]?.intent) bin.correct++;
  });
  if (seen === 0) return undefined;
  return bins.reduce(
    (sum, b) => (b.n === 0 ? sum : sum + (b.n / seen) * Math.abs(b.correct / b.n - b.confidence / b.n)),
    0,
  );
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? 0;
}

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

export function formatReport(report: Report): string {
  const lines: string[] = [];
  lines.push('Accuracy per intent (recall):');
  for (const s of report.perIntent) {
    lines.push(
      `  ${s.intent.padEnd(22)} ${String(s.correct).padStart(4)}/${String(s.support).padEnd(4)} ${pct(s.recall).padStart(6)}   F1 ${s.f1.toFixed(3)}`,
    );
  }
  lines.push(`Overall accuracy: ${pct(report.accuracy)} (${report.total} utterances)`);
  lines.push(`Macro-F1: ${report.macroF1.toFixed(3)}`);
  if (report.calibrationError !== undefined) {
    lines.push(`Confidence calibration error (ECE, 10 bins): ${report.calibrationError.toFixed(3)}`);
  }
  if (report.entities.length > 0) {
    lines.push('Entity accuracy (labelled entities only):');
    for (const e of report.entities) {
      lines.push(`  ${e.type.padEnd(10)} ${e.correct}/${e.labelled} ${pct(e.accuracy)}`);
    }
  }
  lines.push(`Confusions (${report.confusions.length}):`);
  for (const c of report.confusions) lines.push(`  ${c.expected} → ${c.got}: ${c.text}`);
  if (report.entityErrors.length > 0) {
    lines.push(`Entity errors (${report.entityErrors.length}):`);
    for (const e of report.entityErrors) {
      lines.push(`  ${e.type}: expected ${e.expected}, got ${e.got ?? '(none)'}: ${e.text}`);
    }
  }
  return lines.join('\n');
}
