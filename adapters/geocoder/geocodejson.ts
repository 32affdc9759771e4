// The subset of GeoCodeJSON (https://github.com/geocoders/geocodejson-spec) the national address API
// returns and we rely on. Anything else in the document is ignored; a document without these fields is
// treated as a faulty answer, not as "no match".
import { z } from 'zod';

const FeatureSchema = z.object({
  type: z.literal('Feature'),
  geometry: z.object({
    type: z.literal('Point'),
    /** GeoJSON order: longitude first. */
    coordinates: z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)]),
  }),
  properties: z.object({
    label: z.string().min(1),
    score: z.number().min(0).max(1),
    citycode: z.string().min(1),
    postcode: z.string().optional(),
    type: z.string().optional(),
  }),
});

export const GeocodeJsonSchema = z.object({
  type: z.literal('FeatureCollection'),
  features: z.array(FeatureSchema),
});
export type GeocodeJson = z.infer<typeof GeocodeJsonSchema>;
