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
  ctx: TurnContext;
}

export interface SlotDefinition {
  name: string;
  prompt: Phrase;
  /** Said after an invalid answer: a specific hint, never the same sentence as the prompt. */
  hint: Phrase;
  label: Phrase;
  extract(input: SlotInput): SlotValue | undefined | Promise<SlotValue | undefined>;
  /** Returns a phrase explaining what is wrong, or null when valid. */
  validate?(value: SlotValue, ctx: TurnContext): Phrase | null;
  /** Optional slots are asked once; "non" / "passer" leaves them empty. */
  optional?: boolean;
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
  /**
   * Checked before the form starts: answers instead and returns true when the request belongs elsewhere
   * (a collège enrolment is the Département's, not the commune's), so no procedure is opened for nothing.
   */
  redirect?(ctx: TurnContext): boolean | Promise<boolean>;
  /** Creates the request (ctx.createRequest) and replies; runs only after the citizen confirmed. */
  submit(ctx: TurnContext, payload: z.infer<S>): Promise<void>;
}
