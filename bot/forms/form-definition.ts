// A procedure (report, registration) is declared once: a zod schema of its payload, and per slot a
// prompt, a specific re-ask hint, an extractor and a validator. The form manager does the rest.
import type { z } from 'zod';
import type { Choice, GeoPoint, Media } from '../messages';
import type { Phrase } from '../i18n';
import type { Entity } from '../nlu/types';
import type { TurnContext } from '../turn-context';

export type SlotValue = string | number | boolean | null | Record<string, unknown>;

export interface SlotInput {
  text: string;
  entities: Entity[];
  choiceValue?: string;
  media?: Media[];
  location?: GeoPoint;
  /** True when this slot was the question just asked: free text may then be taken as its answer. */
  asked: boolean;
  /**
   * True when `text` is a correction of this slot's earlier answer ("non c'est au 14" → "au 14"): take only what
   * clearly answers this slot (a number alone is the house number of an address), never free text.
   */
  correcting?: boolean;
  ctx: TurnContext;
}

/** A phrase fixed at declaration, or worked out from the answers known so far. */
export type SlotPhrase = Phrase | ((ctx: TurnContext, values: Record<string, SlotValue>) => Phrase);

export interface SlotDefinition {
  name: string;
  /** The question; a function when it names what is known ("Quel tarif pour Léo Durand ?"). */
  prompt: SlotPhrase;
  /** Said after an invalid answer: a specific hint, never the same sentence as the prompt. */
  hint: Phrase;
  label: SlotPhrase;
  extract(input: SlotInput): SlotValue | undefined | Promise<SlotValue | undefined>;
  /** Returns a phrase explaining what is wrong, or null when valid. */
  validate?(value: SlotValue, ctx: TurnContext): Phrase | null;
  /** Optional slots are asked once; "non" / "passer" leaves them empty. */
  optional?: boolean;
  /**
   * Slots whose change makes this slot's answer meaningless: it is forgotten (and asked again if still needed)
   * when one of them changes, e.g. a confirmation of a class that does not fit the age, after a new birth date.
   */
  dependsOn?: readonly string[];
  /** Skip the slot entirely given what is known. */
  skipIf?(values: Record<string, SlotValue>, ctx: TurnContext): boolean;
  choices?(ctx: TurnContext): Choice[];
  /** Ask for the citizen's location (channels that can share one). */
  requestsLocation?: boolean;
  format?(value: SlotValue, ctx: TurnContext): string;
}

export interface FormDefinition<S extends z.ZodType = z.ZodType> {
  name: string;
  /** Said when the form starts ("Je vais enregistrer votre signalement."). */
  intro: Phrase;
  /** Used when resuming after a digression ("votre signalement"). */
  title: Phrase;
  schema: S;
  slots: SlotDefinition[];
  /** Lines added at the end of the summary, worked out from the answers (a total price). */
  summaryLines?(values: Record<string, SlotValue>, ctx: TurnContext): { label: string; value: string }[];
  /**
   * Checked before the form starts: answers instead and returns true when the request belongs elsewhere
   * (a collège enrolment is the Département's, not the commune's), so no procedure is opened for nothing.
   */
  redirect?(ctx: TurnContext): boolean | Promise<boolean>;
  /** Creates the request (ctx.createRequest) and replies; runs only after the citizen confirmed. */
  submit(ctx: TurnContext, payload: z.infer<S>): Promise<void>;
}
