// Slot building blocks shared by the public-service forms (report, school and library registration, and
// any new one): the citizen's contact, the commune, and "is this the question just asked?".
import { z } from 'zod';
import type { SlotDefinition, SlotInput, SlotValue } from '../../bot/forms/form-definition';
import { phrase, type Phrase } from '../../bot/i18n';
import type { Choice } from '../../bot/messages';
import { findCommune, type Commune, type Territory } from '../../knowledge/territory';

/**
 * True when this slot is the pending question. The form manager withholds free text from the pending
 * slot when the NLU calls the message a digression; strict parsers (names, dates, counts) use this to
 * still take an answer that clearly is one ("Lucas Martin" is not an opening-hours question). A correction of
 * this slot's answer ("non, il s'appelle Léo Martin") is read the same way.
 */
export const answering = (input: SlotInput, slot: string): boolean =>
  input.asked || input.correcting === true || input.ctx.state.form?.pending === slot;

// --- Contact (phone or e-mail) ---

export const ContactSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('phone'), value: z.string().regex(/^\+\d{8,15}$/) }),
  z.object({ kind: z.literal('email'), value: z.email().max(254) }),
]);
export type Contact = z.infer<typeof ContactSchema>;

/** An e-mail or phone entity anywhere in the message (they are unambiguous, asked or not). */
export function extractContact(input: SlotInput): SlotValue | undefined {
  const email = input.entities.find((e) => e.type === 'email');
  if (email) return { kind: 'email', value: email.value };
  const phone = input.entities.find((e) => e.type === 'phone');
  if (phone) return { kind: 'phone', value: phone.value };
  return undefined;
}

export function formatContact(value: SlotValue): string {
  const parsed = ContactSchema.safeParse(value);
  if (!parsed.success) return '';
  if (parsed.data.kind === 'email') return parsed.data.value;
  // +33612345678 → 06 12 34 56 78, as people write it.
  const national = parsed.data.value.replace(/^\+33/, '0');
  return /^0\d{9}$/.test(national) ? national.replace(/(\d{2})(?=\d)/g, '$1 ') : parsed.data.value;
}

export const CONTACT_LABEL = phrase('Contact', 'Contact');

/** A required "how can we reach you?" slot (registrations): phone or e-mail, with the shared hint. */
export function contactSlot(name: string, prompt: Phrase): SlotDefinition {
  return {
    name,
    prompt,
    hint: phrase(
      'Un numéro comme 06 12 34 56 78, ou une adresse e-mail.',
      'A number such as 06 12 34 56 78, or an e-mail address.',
    ),
    label: CONTACT_LABEL,
    extract: extractContact,
    format: formatContact,
  };
}

// --- Commune ---

export const communeChoices = (territory: Territory): Choice[] =>
  territory.communes.map((c) => ({ label: c.name, value: `commune:${c.id}` }));

/** A commune clicked, named anywhere in the message (NLU entity), or typed as the answer. */
export function extractCommuneId(input: SlotInput, territory: Territory, slot: string): string | undefined {
  const choice = input.choiceValue;
  if (choice?.startsWith('commune:')) {
    const id = choice.slice('commune:'.length);
    return territory.communes.some((c) => c.id === id) ? id : undefined;
  }
  const entity = input.entities.find((e) => e.type === 'commune');
  if (entity && territory.communes.some((c) => c.id === entity.value)) return entity.value;
  if (!answering(input, slot)) return undefined;
  return findCommune(territory, input.text.replace(/^(?:a|à|au|sur|dans|in|at)\s+/i, '').trim())?.id;
}

export const communeName = (territory: Territory, id: string | undefined): string =>
  territory.communes.find((c) => c.id === id)?.name ?? '';

/** The only commune of a single-commune territory: nothing to ask then. */
export const onlyCommune = (territory: Territory): Commune | undefined =>
  territory.communes.length === 1 ? territory.communes[0] : undefined;

/**
 * The "which commune?" slot of every form: choices of the territory's communes, a click, a named commune or
 * a typed answer. Forms differ only in the question and in when it is needed (`skipIf`).
 */
export function communeSlot(
  territoryOfCtx: (ctx: SlotInput['ctx']) => Territory,
  options: { prompt: Phrase; skipIf: NonNullable<SlotDefinition['skipIf']> },
): SlotDefinition {
  return {
    name: 'commune',
    prompt: options.prompt,
    hint: phrase('Choisissez la commune dans la liste proposée.', 'Pick the town from the list.'),
    label: phrase('Commune', 'Town'),
    skipIf: options.skipIf,
    choices: (ctx) => communeChoices(territoryOfCtx(ctx)),
    extract: (input) => extractCommuneId(input, territoryOfCtx(input.ctx), 'commune'),
    format: (value, ctx) => (typeof value === 'string' ? communeName(territoryOfCtx(ctx), value) : ''),
  };
}
