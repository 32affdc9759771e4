// Public entry point of the NLU: `createNlu()` builds the model from the readable files in data/
// (trained at load, deterministic, offline) and returns the `Nlu` of types.ts.
import { buildModel, createEngine, scheduleWarmUp, type Model } from './engine';
import { INTENTS_DIR, loadTrainingExamples } from './training-data';
import type { Nlu } from './types';

export * from './types';

export interface CreateNluOptions {
  /** Warm the date parser up in the background right after load (default true). */
  warmUp?: boolean;
  /**
   * More training folders (`<language>/<intent>.txt`, same format as bot/nlu/data/intents), learnt with the
   * built-in ones: a service kept outside this repository (or a test's toy service) brings its intents.
   */
  extraTrainingDirs?: readonly string[];
}

// The model is immutable once trained and the data files do not change while a process runs:
// build it once, however many engines (tests, tenants) ask for an NLU.
let shared: Model | undefined;

export function createNlu(options: CreateNluOptions = {}): Nlu {
  if (options.extraTrainingDirs?.length) {
    const dirs = [INTENTS_DIR, ...options.extraTrainingDirs];
    return createEngine(buildModel(dirs.flatMap((dir) => loadTrainingExamples(dir))));
  }
  shared ??= buildModel();
  if (options.warmUp !== false) scheduleWarmUp();
  return createEngine(shared);
}
