// Schemas of the report: what the form collects (state values), and the request payload stored in the
// shared store (requests.payload JSONB), read by back-office tools and Open311.
import { z } from 'zod';
import { INCIDENT_CATEGORIES } from '../../bot/nlu/types';
import { ContactSchema } from '../common/slots';
import { GEOCODING_STATUSES, LocationValueSchema } from './location';

const CategorySchema = z.enum(INCIDENT_CATEGORIES);
export const PhotoSchema = z.object({ url: z.url().max(2000), contentType: z.string().max(100).optional() });

export const DuplicateDecisionSchema = z.discriminatedUnion('follow', [
  z.object({ follow: z.literal(true), requestId: z.string().min(1), reference: z.string().min(1) }),
  z.object({ follow: z.literal(false) }),
]);
export type DuplicateDecision = z.infer<typeof DuplicateDecisionSchema>;

export const DESCRIPTION_MAX = 1000;

/** The form's values once confirmed. The description is only needed for a new report. */
export const ReportIncidentFormSchema = z
  .object({
    category: CategorySchema,
    location: LocationValueSchema,
    commune: z.string().optional(),
    duplicate: DuplicateDecisionSchema.optional(),
    description: z.string().trim().min(3).max(DESCRIPTION_MAX).optional(),
    photo: PhotoSchema.optional(),
    contact: ContactSchema.optional(),
  })
  .superRefine((v, ctx) => {
    if (!v.duplicate?.follow && !v.description)
      ctx.addIssue({ code: 'custom', path: ['description'], message: 'required' });
  });
export type ReportIncidentForm = z.infer<typeof ReportIncidentFormSchema>;

/** requests.payload of a 'report_incident' request. */
export const ReportIncidentPayloadSchema = z.object({
  category: CategorySchema,
  description: z.string().min(3).max(DESCRIPTION_MAX),
  photo: PhotoSchema.optional(),
  contact: ContactSchema.optional(),
  address: z
    .object({
      text: z.string().optional(),
      label: z.string().optional(),
      citycode: z.string().optional(),
      postcode: z.string().optional(),
    })
    .optional(),
  geocoding: z.enum(GEOCODING_STATUSES),
});
export type ReportIncidentPayload = z.infer<typeof ReportIncidentPayloadSchema>;
