// Public entry point of the NLU: `createNlu()` builds the model from the readable files in data/
// (trained at load, deterministic, offline) and returns the `Nlu` of types.ts.
import { buildModel, createEngine, scheduleWarmUp, type Model } from './engine';
import type { Nlu } from './types';

export * from './types';

export interface CreateNluOptions {
  /** Warm the date parser up in the background right after load (default true). */
  warmUp?: boolean;
}

// The model is immutable once trained and the data files do not change while a process runs:
// build it once, however many engines (tests, tenants) ask for an NLU.
let shared: Model | undefined;

export function createNlu(options: CreateNluOptions = {}): Nlu {
  shared ??= buildModel();
  if (options.warmUp !== false) scheduleWarmUp();
  return createEngine(shared);
}
