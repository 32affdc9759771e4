// Open311 services: the incident categories of report_incident, per territory (jurisdiction_id = tenant
// id). A service definition's attributes are derived from the request type's zod payload schema, minus
// the fields the server fills itself or that map to standard Open311 fields.
import { z } from 'zod';
import {
  CATEGORY_LABELS,
  ReportIncidentPayloadSchema,
  territoryCategories,
} from '../../intents/report-incident';
import type { Territory } from '../../knowledge/territory';
import { prototypeless } from '../../bot/prototypeless';

export const REQUEST_TYPE = 'report_incident';

/** Payload fields that are not questions to the reporter: the service code, server-computed, or standard fields. */
const NOT_ATTRIBUTES = prototypeless<string>({
  category: 'service_code',
  geocoding: 'computed by the server',
  address: 'address_string / lat / long',
  contact: 'email / phone',
});

export interface Open311Service {
  service_code: string;
  service_name: string;
  description: string;
  metadata: boolean;
  type: 'realtime';
  keywords: string;
  group: string;
}

export interface Open311Attribute {
  variable: boolean;
  code: string;
  datatype: 'string' | 'number' | 'datetime' | 'text' | 'singlevaluelist' | 'multivaluelist';
  required: boolean;
  datatype_description: string;
  order: number;
  description: string;
  values: { key: string; name: string }[];
}

type Json = Record<string, unknown>;

const DESCRIPTIONS = prototypeless<string>({
  description:
    'Décrivez le problème (au moins 3 caractères). Vous pouvez aussi utiliser le champ standard description.',
  'photo.url':
    'Adresse (URL) d’une photo du problème. Vous pouvez aussi utiliser le champ standard media_url.',
  'photo.contentType': 'Type de la photo (image/jpeg, image/png…).',
});

function datatypeOf(property: Json): Pick<Open311Attribute, 'datatype' | 'datatype_description' | 'values'> {
  if (Array.isArray(property.enum)) {
    return {
      datatype: 'singlevaluelist',
      datatype_description: '',
      values: property.enum.map((v) => ({ key: String(v), name: String(v) })),
    };
  }
  if (property.type === 'number' || property.type === 'integer')
    return { datatype: 'number', datatype_description: '', values: [] };
  const min = typeof property.minLength === 'number' ? property.minLength : undefined;
  const max = typeof property.maxLength === 'number' ? property.maxLength : undefined;
  const bounds =
    min !== undefined && max !== undefined
      ? `${min} à ${max} caractères`
      : max !== undefined
        ? `${max} caractères au plus`
        : '';
  const uri = property.format === 'uri' ? 'URL' : '';
  return {
    // A URL is one line, however long it may be; long free text is 'text'.
    datatype: max !== undefined && max > 200 && property.format !== 'uri' ? 'text' : 'string',
    datatype_description: [uri, bounds].filter(Boolean).join(', '),
    values: [],
  };
}

/** Flattens the payload schema's properties (objects become `parent.child`) into Open311 attributes. */
export function attributesFromSchema(schema: z.ZodType): Open311Attribute[] {
  const root = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Json;
  const out: Open311Attribute[] = [];
  const walk = (object: Json, prefix: string, parentRequired: boolean) => {
    const properties = (object.properties ?? {}) as Record<string, Json>;
    const required = new Set((object.required ?? []) as string[]);
    for (const [name, property] of Object.entries(properties)) {
      if (!prefix && name in NOT_ATTRIBUTES) continue;
      const code = prefix ? `${prefix}.${name}` : name;
      const isRequired = parentRequired && required.has(name);
      if (property.type === 'object' && property.properties) {
        walk(property, code, isRequired);
        continue;
      }
      out.push({
        variable: true,
        code,
        required: isRequired,
        order: out.length + 1,
        description: DESCRIPTIONS[code] ?? code,
        ...datatypeOf(property),
      });
    }
  };
  walk(root, '', true);
  return out;
}

export const REPORT_ATTRIBUTES = attributesFromSchema(ReportIncidentPayloadSchema);

export function servicesOf(territory: Territory): Open311Service[] {
  const type = territory.requestTypes.find((t) => t.id === REQUEST_TYPE);
  const group = type?.label ?? 'Signalements';
  return territoryCategories(territory).map((category) => ({
    service_code: category,
    service_name: CATEGORY_LABELS[category].fr,
    description: `${group} : ${CATEGORY_LABELS[category].fr}`,
    metadata: REPORT_ATTRIBUTES.length > 0,
    type: 'realtime',
    keywords: category.replace(/_/g, ' '),
    group,
  }));
}

export const serviceNameOf = (code: string): string =>
  code in CATEGORY_LABELS ? CATEGORY_LABELS[code as keyof typeof CATEGORY_LABELS].fr : code;
