// Schemas of a library registration: the form's values, and requests.payload of a 'library_registration'.
import { z } from 'zod';
import { ContactSchema } from '../shared/slots';
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

export const LibraryRegistrationFormSchema = z
  .object({
    adherents: AdherentsValueSchema,
    adherentNames: AdherentNamesSchema.optional(),
    pricing: PricingValueSchema,
    commune: z.string().optional(),
    contact: ContactSchema,
  })
  .superRefine((v, ctx) => {
    // A head count alone ("moi et mes 2 enfants") is not enough: the names must follow.
    if (v.adherents.names.length === 0 && !v.adherentNames)
      ctx.addIssue({ code: 'custom', path: ['adherentNames'], message: 'required' });
  });
export type LibraryRegistrationForm = z.infer<typeof LibraryRegistrationFormSchema>;

/** requests.payload of a 'library_registration' request. */
export const LibraryRegistrationPayloadSchema = z.object({
  adherents: z
    .array(z.object({ name: FullName }))
    .min(1)
    .max(MAX_ADHERENTS),
  pricing: z.object({ label: z.string(), price: z.number().min(0), conditions: z.string() }),
  contact: ContactSchema,
  documents: z.array(z.string()),
});
export type LibraryRegistrationPayload = z.infer<typeof LibraryRegistrationPayloadSchema>;
