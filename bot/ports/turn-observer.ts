// What a turn cost and how it ended, told to whoever measures it (the Prometheus metrics of an instance, see
// adapters/metrics). The engine times its own stages, so an operator sees whether a slow answer waited for the
// conversation's lock, the shared store or the dialogue — without the core knowing who listens.

/** The stages of a turn, in order; a turn that ends early (a replay, an agent's conversation) has fewer. */
export const TURN_STAGES = [
  /** The provider message claimed once, then the conversation's lock (waiting behind its previous message). */
  'coordination',
  /** The conversation and its dialogue state read. */
  'load',
  /** The channel's command, the agent gate, the language understanding (and the optional language model). */
  'understand',
  /** The public service's module answering: forms, knowledge, the address lookup of a report. */
  'dialogue',
  /** The turn's transcript, requests and outbox written to the shared store. */
  'commit',
  /** The dialogue state written back. */
  'state',
] as const;
export type TurnStage = (typeof TURN_STAGES)[number];

/** How a turn ended: answered by the dialogue, or a stored answer given again, or an error's code. */
export type TurnOutcome = 'answered' | 'replayed' | 'forwarded' | 'failed';

export interface TurnObservation {
  channel: string;
  outcome: TurnOutcome;
  /** The error's code when the outcome is 'failed' (GuichetError codes; INTERNAL for anything else). */
  errorCode?: string;
  /** From the engine's start to its answer, lock released, in seconds. */
  seconds: number;
  /** The stages the turn went through, in seconds each. */
  stages: Partial<Record<TurnStage, number>>;
}

export interface TurnObserver {
  /** Called once per turn; must not throw nor wait (it runs on every turn's path). */
  turnEnded(observation: TurnObservation): void;
}
