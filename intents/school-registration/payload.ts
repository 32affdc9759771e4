// Schemas of a school registration: the form's values, and requests.payload of a 'school_registration'.
import { z } from 'zod';
import { ContactSchema } from '../common/slots';

const NamePart = z.string().trim().min(1).max(80);
export const ChildSchema = z.object({ firstName: NamePart, lastName: NamePart });
export const SchoolAddressSchema = z.object({
  text: z.string().trim().min(3).max(300),
  communeId: z.string().optional(),
});
export type SchoolAddress = z.infer<typeof SchoolAddressSchema>;

/** A class kept although the child's year of birth gives another at the rentrée: an exception to review. */
export const LevelCheckSchema = z.object({
  level: z.string(),
  expected: z.string().optional(),
  rentree: z.number().int(),
});

export const SchoolRegistrationFormSchema = z.object({
  child: ChildSchema,
  birthDate: z.iso.date(),
  level: z.string().min(1),
  levelCheck: LevelCheckSchema.optional(),
  address: SchoolAddressSchema,
  commune: z.string().optional(),
  /** The parent or legal guardian the school office deals with. */
  guardian: ChildSchema,
  parentContact: ContactSchema,
});
export type SchoolRegistrationForm = z.infer<typeof SchoolRegistrationFormSchema>;

/** requests.payload of a 'school_registration' request. */
export const SchoolRegistrationPayloadSchema = z.object({
  child: ChildSchema.extend({ birthDate: z.iso.date() }),
  level: z.object({
    id: z.string(),
    label: z.string(),
    cycle: z.enum(['maternelle', 'elementaire']),
    /** Asked although the year of birth gives another class at that rentrée (`expected`): to review. */
    exception: z.boolean().optional(),
    rentree: z.number().int().optional(),
    expected: z.string().optional(),
  }),
  /** Absent from requests recorded before the guardian was asked. */
  guardian: ChildSchema.optional(),
  address: z.object({ text: z.string() }),
  /** The sector school, when the territory's sector map tells it. */
  school: z.string().optional(),
  parentContact: ContactSchema,
  documents: z.array(z.string()),
});
export type SchoolRegistrationPayload = z.infer<typeof SchoolRegistrationPayloadSchema>;
