// Schemas of a library registration: the form's values, and requests.payload of a 'library_registration'.
import { z } from 'zod';
import { ContactSchema } from '../common/slots';
import { MAX_ADHERENTS } from './adherents';

const FullName = z.string().trim().min(3).max(160);
export const AdherentsValueSchema = z.object({
  count: z.number().int().min(1).max(MAX_ADHERENTS),
  names: z.array(FullName).max(MAX_ADHERENTS),
});
export const AdherentNamesSchema = z.object({ names: z.array(FullName).min(1).max(MAX_ADHERENTS) });
export const PricingValueSchema = z.object({
  index: z.number().int().min(0),
  label: z.string(),
  price: z.number().min(0),
});

export type PricingValue = z.infer<typeof PricingValueSchema>;

/** The slot holding the tariff of the n-th person (1-based): "pricing", then "pricing2"… */
export const pricingSlotName = (n: number): string => (n === 1 ? 'pricing' : `pricing${n}`);

/** pricing2 … pricing8: the tariffs of the other people, one per person. */
const otherTariffs = Object.fromEntries(
  Array.from({ length: MAX_ADHERENTS - 1 }, (_, i) => [
    pricingSlotName(i + 2),
    PricingValueSchema.optional(),
  ]),
) as Record<`pricing${number}`, z.ZodOptional<typeof PricingValueSchema>>;

export const LibraryRegistrationFormSchema = z
  .object({
    adherents: AdherentsValueSchema,
    adherentNames: AdherentNamesSchema.optional(),
    pricing: PricingValueSchema,
    ...otherTariffs,
    commune: z.string().optional(),
    contact: ContactSchema,
  })
  .superRefine((v, ctx) => {
    // A head count alone ("moi et mes 2 enfants") is not enough: the names must follow.
    if (v.adherents.names.length === 0 && !v.adherentNames)
      ctx.addIssue({ code: 'custom', path: ['adherentNames'], message: 'required' });
    // One tariff per person.
    const values = v as Record<string, unknown>;
    for (let n = 2; n <= v.adherents.count; n++)
      if (values[pricingSlotName(n)] === undefined)
        ctx.addIssue({ code: 'custom', path: [pricingSlotName(n)], message: 'required' });
  });
export type LibraryRegistrationForm = z.infer<typeof LibraryRegistrationFormSchema>;

/** requests.payload of a 'library_registration' request. */
const TariffSchema = z.object({ label: z.string(), price: z.number().min(0), conditions: z.string() });

export const LibraryRegistrationPayloadSchema = z.object({
  adherents: z
    .array(z.object({ name: FullName, pricing: TariffSchema.optional() }))
    .min(1)
    .max(MAX_ADHERENTS),
  /** The tariff when it is the same for everyone (every request recorded before tariffs per person). */
  pricing: TariffSchema.optional(),
  /** Yearly total of the tariffs per person, in euros. */
  total: z.number().min(0).optional(),
  contact: ContactSchema,
  documents: z.array(z.string()),
});
export type LibraryRegistrationPayload = z.infer<typeof LibraryRegistrationPayloadSchema>;
