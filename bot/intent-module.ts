// One module per public service (intents/): which NLU intents it answers and what each means for people
// (label, help menu) and for the engine (digression, language-model meaning), the forms it declares, and
// how it continues a question it asked outside a form (state.awaiting). Every list that used to be kept in
// step by hand (labels, meanings, help menu, digressions, README services table) is derived from these.
import type { FormDefinition } from './forms/form-definition';
import type { Phrase } from './i18n';
import type { Intent } from './nlu/types';
import type { TurnContext } from './turn-context';

export interface IntentDescription {
  /** The NLU label, also the name of its training files (bot/nlu/data/intents/<language>/<intent>.txt). */
  intent: Intent;
  /** How a citizen reads it in the help menu or in a "did you mean" choice. */
  label: Phrase;
  /** What it means, in one English line, for the optional language model's classification. */
  meaning: string;
  /** Offered in the help menu (in registration order; the first three also when the bot is unsure). */
  helpMenu?: boolean;
  /** May be answered in the middle of a form, which then resumes. */
  digression?: boolean;
  /** Asks about the conversation itself ("parler à un agent"): never kept as the citizen's question. */
  notAQuestion?: boolean;
}

/** The service's row in the README's "Public services" table (checked by tests/e2e/services-table.test.ts). */
export interface ServiceSummary {
  service: string;
  /** What the citizen gets, in one line. */
  gets: string;
}

/** What a service declares: plain data, the same whatever the territory. */
export interface ServiceDescription {
  /** Module id, also the prefix of its `state.awaiting.kind` values ("opening_hours.facility"). */
  id: string;
  intents: readonly IntentDescription[];
  readme?: ServiceSummary;
  /**
   * The request type this service records and what people call it ("Signalement"): the back office shows this
   * label, never the type id. Its type is also the README row's `request`.
   */
  records?: RecordedRequestType;
}

/** A request type as the back office names it: its label and, when it has some, its categories' labels. */
export interface RecordedRequestType {
  type: string;
  label: Phrase;
  categories?: Readonly<Record<string, Phrase>>;
}

/** A public service's module: its description and what it does. */
export interface IntentModule extends ServiceDescription {
  forms?: readonly FormDefinition[];
  handle(ctx: TurnContext): Promise<void>;
  /** Continues this module's pending question; returns false when the message is not an answer to it. */
  resume?(ctx: TurnContext): Promise<boolean>;
  /**
   * True when this message continues this module's previous answer ("et samedi ?", "et la piscine ?" after
   * an opening-hours answer) although the NLU, reading it alone, is unsure or sees a generic question.
   */
  followsUp?(ctx: TurnContext): boolean;
  /**
   * For a module with a form: answers a question about the service ("c'est combien ?") instead of starting
   * the form, and returns true; false starts the form.
   */
  answersQuestion?(ctx: TurnContext): Promise<boolean>;
}

/** Answers what no module understood well: knowledge base first, then a clarifying question. */
export interface FallbackModule {
  /** Returns true when it answered (e.g. a FAQ entry matched). */
  tryAnswer(ctx: TurnContext): Promise<boolean>;
}

/** The intents of the registered services, and what the engine derives from them. */
export class IntentCatalog {
  private readonly byIntent = new Map<Intent, IntentDescription>();

  constructor(services: readonly ServiceDescription[]) {
    for (const service of services) {
      for (const d of service.intents) {
        if (this.byIntent.has(d.intent)) throw new Error(`Intent ${d.intent} is declared by two services`);
        this.byIntent.set(d.intent, d);
      }
    }
  }

  get intents(): readonly IntentDescription[] {
    return [...this.byIntent.values()];
  }

  has(intent: string): boolean {
    return this.byIntent.has(intent);
  }

  label(intent: Intent): Phrase | undefined {
    return this.byIntent.get(intent)?.label;
  }

  /** The help menu, in registration order. */
  get helpMenu(): readonly IntentDescription[] {
    return this.intents.filter((d) => d.helpMenu);
  }

  isQuestion(intent: Intent): boolean {
    return this.byIntent.get(intent)?.notAQuestion !== true;
  }

  mayDigress(intent: Intent): boolean {
    return this.byIntent.get(intent)?.digression === true;
  }
}
