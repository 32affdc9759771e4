// The same form outside a conversation: an agent's screen (desk intake) sends every field at once and gets
// back the normalised values, or a French (or English) message per field, from the very slots, validators and
// schema the conversation uses (form-manager.ts). One rule, two faces: change a validator and both see it.
import { phrase } from '../i18n';
import type { Choice } from '../messages';
import type { Nlu } from '../nlu/types';
import type { TurnContext } from '../turn-context';
import type { FormDefinition, SlotDefinition, SlotPhrase, SlotValue } from './form-definition';

export interface FieldDescription {
  name: string;
  label: string;
  /** The question the bot asks, usable as the field's help text. */
  prompt: string;
  hint: string;
  optional: boolean;
  /** When the slot offers choices: the values a screen's select sends back. */
  choices?: Choice[];
}

/** The fields of a form for a screen, in the reader's language (ctx.locale), choices from the territory. */
export function describeForm(form: FormDefinition, ctx: TurnContext): FieldDescription[] {
  // The fields that apply before anything is filled on this channel (a desk asks no photo, a duplicate
  // question only appears once a report nearby is known).
  const saved = ctx.state.form;
  try {
    ctx.state.form = { name: form.name, values: {}, pending: null, attempts: 0, confirming: false };
    return describeSlots(
      form.slots.filter((slot) => !slot.skipIf?.({}, ctx)),
      ctx,
    );
  } finally {
    ctx.state.form = saved;
  }
}

function describeSlots(slots: readonly SlotDefinition[], ctx: TurnContext): FieldDescription[] {
  return slots.map((slot) => ({
    name: slot.name,
    label: phraseOf(slot.label, ctx),
    prompt: phraseOf(slot.prompt, ctx),
    hint: ctx.t(slot.hint),
    optional: slot.optional === true,
    ...(slot.choices ? { choices: slot.choices(ctx) } : {}),
  }));
}

/** A slot's prompt or label in the reader's language, worked out from what is known when it depends on it. */
export const phraseOf = (
  p: SlotPhrase,
  ctx: TurnContext,
  values: Record<string, SlotValue> = ctx.state.form?.values ?? {},
): string => ctx.t(typeof p === 'function' ? p(ctx, values) : p);

/** How a slot's value reads in a summary ("06 12 34 56 78", "12/03/2021"). */
export function formatSlot(slot: SlotDefinition, value: SlotValue, ctx: TurnContext): string {
  if (slot.format) return slot.format(value, ctx);
  return typeof value === 'object' && value !== null ? '' : String(value);
}

/** The confirmation summary: label and readable value of every filled slot, in the form's order. */
export function summaryFields(
  form: FormDefinition,
  values: Record<string, SlotValue>,
  ctx: TurnContext,
): { label: string; value: string }[] {
  return form.slots
    .filter((s) => values[s.name] !== undefined && values[s.name] !== null)
    .map((s) => ({ label: phraseOf(s.label, ctx, values), value: formatSlot(s, values[s.name]!, ctx) }))
    .concat(form.summaryLines?.(values, ctx) ?? []);
}

export type FormRun =
  | {
      ok: true;
      values: Record<string, SlotValue>;
      summary: { label: string; value: string }[];
      payload: unknown;
    }
  | {
      ok: false;
      errors: Record<string, string>;
      /**
       * The fields as they stand given what was filled: a field the values made irrelevant is left out, one
       * they made relevant appears with its choices (a report of the same problem within 50 m: "follow it?").
       */
      fields: FieldDescription[];
    };

const REQUIRED = phrase('Ce champ est obligatoire.', 'This field is required.');

/**
 * Validates a full set of field values (text as typed, or a choice value from `describeForm`). Each field is
 * read as the answer to its own question, with the NLU's entities (dates, phones, e-mails), then validated;
 * the payload is the form schema's output, ready for `form.submit`.
 */
export async function runForm(
  form: FormDefinition,
  fields: Readonly<Record<string, string | undefined>>,
  options: { ctx: TurnContext; nlu: Nlu },
): Promise<FormRun> {
  const { ctx, nlu } = options;
  const values: Record<string, SlotValue> = {};
  const errors: Record<string, string> = {};
  const saved = ctx.state.form;
  try {
    for (const slot of form.slots) {
      // Validators that read other slots (a class against the birth date) find them where they would in a chat.
      ctx.state.form = { name: form.name, values, pending: slot.name, attempts: 0, confirming: false };
      if (slot.skipIf?.(values, ctx)) continue;
      const text = fields[slot.name]?.trim() ?? '';
      if (text === '') {
        if (!slot.optional) errors[slot.name] = ctx.t(REQUIRED);
        continue;
      }
      const choiceValue = slot.choices?.(ctx).some((c) => c.value === text) ? text : undefined;
      const { entities } = nlu.analyze(text, { now: ctx.now, timeZone: ctx.tenant.timeZone });
      const value = await slot.extract({ text, entities, choiceValue, asked: true, ctx });
      if (value === undefined) {
        errors[slot.name] = ctx.t(slot.hint);
        continue;
      }
      const problem = slot.validate?.(value, ctx);
      if (problem) {
        errors[slot.name] = ctx.t(problem);
        continue;
      }
      values[slot.name] = value;
    }
    if (Object.keys(errors).length > 0) {
      ctx.state.form = { name: form.name, values, pending: null, attempts: 0, confirming: false };
      // A field the agent filled stays on screen even when its own answer made it unnecessary (a chosen
      // commune that located the address): a field must not vanish under the agent's eyes.
      const relevant = form.slots.filter(
        (slot) => values[slot.name] !== undefined || !slot.skipIf?.(values, ctx),
      );
      return { ok: false, errors, fields: describeSlots(relevant, ctx) };
    }
  } finally {
    ctx.state.form = saved;
  }
  const parsed = form.schema.safeParse(values);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = String(issue.path[0] ?? '');
      const slot = form.slots.find((s) => s.name === field);
      errors[field] = ctx.t(slot ? slot.hint : phrase('Valeur invalide.', 'Invalid value.'));
    }
    return { ok: false, errors, fields: describeForm(form, ctx) };
  }
  return { ok: true, values, summary: summaryFields(form, values, ctx), payload: parsed.data };
}
