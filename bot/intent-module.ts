// One module per public service (intents/): which NLU intents it answers, the forms it declares, and how
// it continues a question it asked outside a form (state.awaiting).
import type { FormDefinition } from './forms/form-definition';
import type { Intent } from './nlu/types';
import type { TurnContext } from './turn-context';

export interface IntentModule {
  /** Module id, also the prefix of its `state.awaiting.kind` values ("opening_hours.facility"). */
  id: string;
  intents: readonly Intent[];
  forms?: readonly FormDefinition[];
  handle(ctx: TurnContext): Promise<void>;
  /** Continues this module's pending question; returns false when the message is not an answer to it. */
  resume?(ctx: TurnContext): Promise<boolean>;
  /**
   * True when this message continues this module's previous answer ("et samedi ?", "et la piscine ?" after
   * an opening-hours answer) although the NLU, reading it alone, is unsure or sees a generic question.
   */
  followsUp?(ctx: TurnContext): boolean;
}

/** Answers what no module understood well: knowledge base first, then a clarifying question. */
export interface FallbackModule {
  /** Returns true when it answered (e.g. a FAQ entry matched). */
  tryAnswer(ctx: TurnContext): Promise<boolean>;
}
