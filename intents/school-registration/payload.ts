// Schemas of a school registration: the form's values, and requests.payload of a 'school_registration'.
import { z } from 'zod';
import { ContactSchema } from '../shared/slots';

const NamePart = z.string().trim().min(1).max(80);
export const ChildSchema = z.object({ firstName: NamePart, lastName: NamePart });
export const SchoolAddressSchema = z.object({
  text: z.string().trim().min(3).max(300),
  communeId: z.string().optional(),
});
export type SchoolAddress = z.infer<typeof SchoolAddressSchema>;

export const SchoolRegistrationFormSchema = z.object({
  child: ChildSchema,
  birthDate: z.iso.date(),
  level: z.string().min(1),
  address: SchoolAddressSchema,
  commune: z.string().optional(),
  parentContact: ContactSchema,
});
export type SchoolRegistrationForm = z.infer<typeof SchoolRegistrationFormSchema>;

/** requests.payload of a 'school_registration' request. */
export const SchoolRegistrationPayloadSchema = z.object({
  child: ChildSchema.extend({ birthDate: z.iso.date() }),
  level: z.object({ id: z.string(), label: z.string(), cycle: z.enum(['maternelle', 'elementaire']) }),
  address: z.object({ text: z.string() }),
  /** The sector school, when the territory's sector map tells it. */
  school: z.string().optional(),
  parentContact: ContactSchema,
  documents: z.array(z.string()),
});
export type SchoolRegistrationPayload = z.infer<typeof SchoolRegistrationPayloadSchema>;
