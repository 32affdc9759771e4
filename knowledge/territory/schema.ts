// The territory format (documented in knowledge/README.md). One territory = one tenant: its communes,
// authorities, facilities with opening hours, FAQ, request types, channel addresses and data notice.
// Cross-references and every opening_hours value are checked here, so a parsed Territory is usable as is.
import { IANAZone } from 'luxon';
import { z } from 'zod';
import { FACILITIES, INCIDENT_CATEGORIES, type FacilityKind } from '../../bot/nlu/types';
import { openingHoursError, type HolidayRegion } from '../opening-hours/library';

const slug = z
  .string()
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be a slug (lowercase letters, digits and dashes)');
/** Identifiers inside a territory: slugs, underscores allowed ('report_incident'). */
const localId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]*$/, 'must be an identifier (lowercase letters, digits, "-" or "_")');
const e164 = z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 phone number such as +33939980101');
/** A phone number as shown to citizens ("03 81 00 00 00" or "+33 3 81 …"). */
const displayPhone = z.string().regex(/^\+?[0-9][0-9 .()-]{5,24}$/, 'must be a phone number');
const isoDate = z.iso.date({ message: 'must be a date YYYY-MM-DD' });
const nonEmpty = z.string().trim().min(1, 'must not be empty');
/** An opening_hours value (OpenStreetMap syntax). Checked against the library at territory level (needs PH region). */
const openingHoursValue = nonEmpty;

export const GeoCoordinatesSchema = z.object({
  lat: z.number().min(-90).max(90),
  lon: z.number().min(-180).max(180),
});

export const HolidayRegionSchema = z.object({
  /** ISO 3166-1 alpha-2, lowercase, as the opening_hours library expects. */
  country: z.string().regex(/^[a-z]{2}$/, 'must be a lowercase country code such as "fr"'),
  /** Region with its own holidays in the opening_hours data: 'Guyane', 'Martinique', 'Moselle', … */
  state: z.string().min(1).optional(),
});

export const NoticeSchema = z.object({
  controller: nonEmpty,
  purpose: nonEmpty,
  legalBasis: nonEmpty,
  retention: nonEmpty,
  rights: nonEmpty,
  contact: nonEmpty,
  /** One or two sentences, short enough for an SMS. */
  shortText: nonEmpty.max(320, 'must fit in two SMS segments (320 characters)'),
  /** The same texts in English, for citizens who chose English (the notice page); each one optional. */
  en: z
    .object({
      controller: nonEmpty,
      purpose: nonEmpty,
      legalBasis: nonEmpty,
      retention: nonEmpty,
      rights: nonEmpty,
      contact: nonEmpty,
      shortText: nonEmpty.max(320, 'must fit in two SMS segments (320 characters)'),
    })
    .partial()
    .optional(),
});

export const CommuneSchema = z.object({
  id: slug,
  name: nonEmpty,
  insee: z.string().regex(/^(\d{5}|2[AB]\d{3})$/, 'must be an INSEE code (5 characters)'),
  postcodes: z.array(z.string().regex(/^\d{5}$/, 'must be a 5-digit postcode')).min(1),
  aliases: z.array(nonEmpty).default([]),
});

/**
 * 'partner': an actor of the territory that is neither a commune nor the intercommunalité (a water utility, a
 * road operator). Requests reach it by transfer; with no competence listed, routing never picks it.
 */
export const AUTHORITY_KINDS = ['commune', 'intercommunalite', 'partner'] as const;

export const AuthoritySchema = z.object({
  id: localId,
  name: nonEmpty,
  kind: z.enum(AUTHORITY_KINDS),
  communeIds: z.array(slug).min(1),
  phone: displayPhone.optional(),
  email: z.email().optional(),
  /** Request type ids ('school_registration') or 'type:category' ('report_incident:proprete'). */
  competences: z.array(z.string().regex(/^[a-z0-9_-]+(:[a-z0-9_-]+)?$/, 'must be "type" or "type:category"')),
  /**
   * No agents of its own in Guichet: it is reached through the webhook it registered for its authority
   * (request.transferred, request.status_changed…), and its agents never sign in to the console.
   */
  webhookOnly: z.boolean().default(false),
});

export const AddressSchema = z.object({
  street: nonEmpty,
  postcode: z.string().regex(/^\d{5}$/, 'must be a 5-digit postcode'),
  city: nonEmpty,
});

export const FacilityExceptionSchema = z.object({
  from: isoDate,
  /** Inclusive; defaults to `from` (a single day). */
  to: isoDate.optional(),
  /** 'off' (the default) closes the facility on those days; any other value replaces the regular hours. */
  openingHours: z.union([z.literal('off'), openingHoursValue]).default('off'),
  /** The reason, shown in parentheses after "fermée" / the hours: "travaux", "veille de Noël". French. */
  note: nonEmpty,
  noteEn: nonEmpty.optional(),
});

export const SourceSchema = z.object({
  attribution: nonEmpty,
  id: z.string().optional(),
  updatedAt: z.string().optional(),
  url: z.url().optional(),
});

export const FacilitySchema = z.object({
  id: localId,
  /** A canonical FacilityKind ('dechetterie', 'mairie', 'mediatheque', 'piscine') or any other code. */
  kind: localId,
  name: nonEmpty,
  /** How answers refer to it: { fr: 'la mairie de Montcey', en: 'Montcey town hall' }; defaults to `name`. */
  shortName: z.object({ fr: nonEmpty, en: nonEmpty.optional() }).optional(),
  /** Grammatical gender in French ("ouverte" / "ouvert"); defaults to 'f' for the four canonical kinds. */
  gender: z.enum(['f', 'm']).optional(),
  /** A commune id of this territory (an INSEE code is accepted and resolved, as the DILA importer emits). */
  communeId: nonEmpty,
  address: AddressSchema,
  location: GeoCoordinatesSchema.optional(),
  phone: displayPhone.optional(),
  email: z.email().optional(),
  url: z.url().optional(),
  openingHours: openingHoursValue,
  /** Free text shown with the hours ("après-midi sur rendez-vous"). */
  note: nonEmpty.optional(),
  exceptions: z.array(FacilityExceptionSchema).default([]),
  aliases: z.array(nonEmpty).default([]),
  source: SourceSchema.optional(),
});

export const FaqEntrySchema = z.object({
  id: localId,
  /** Variants of the question; all are indexed. */
  questions: z.array(nonEmpty).min(1),
  answer: nonEmpty,
  sourceUrl: z.url(),
  tags: z.array(nonEmpty).default([]),
  locale: z.enum(['fr', 'en']).optional(),
});

export const RequestTypeSchema = z.object({
  id: localId,
  label: nonEmpty,
  labelEn: nonEmpty.optional(),
  categories: z.array(z.enum(INCIDENT_CATEGORIES)).optional(),
  /**
   * The service level: a request of this type is due `days` calendar days after it was received; a category
   * may have its own delay (`categories: { eclairage: 3 }`). No service level: no due date.
   */
  serviceLevel: z
    .strictObject({
      days: z.number().int().min(1).max(365),
      categories: z.partialRecord(z.enum(INCIDENT_CATEGORIES), z.number().int().min(1).max(365)).optional(),
    })
    .optional(),
  documents: z.array(nonEmpty).optional(),
  pricing: nonEmpty.optional(),
});

export const SchoolLevelSchema = z.object({
  id: localId,
  label: nonEmpty,
  cycle: z.enum(['maternelle', 'elementaire']),
  /** Age reached in the calendar year of the rentrée by a child of this level; the national rule by default. */
  age: z.number().int().min(2).max(11).optional(),
});

export const SchoolSchema = z.object({
  levels: z.array(SchoolLevelSchema).min(1),
  /** Day of the rentrée (MM-DD), from which a registration's class is checked against the age; 09-01 by default. */
  rentree: z
    .string()
    .regex(/^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/)
    .optional(),
  documents: z.array(nonEmpty),
  sectors: z.array(z.object({ schoolName: nonEmpty, communeId: slug, streets: z.array(nonEmpty) })),
  /** Who handles collège (Département) and lycée (Région). */
  collegeLyceeInfo: z.object({ text: nonEmpty, url: z.url() }),
});

export const LibrarySchema = z.object({
  pricing: z.array(z.object({ label: nonEmpty, price: z.number().min(0), conditions: z.string() })).min(1),
  documents: z.array(nonEmpty),
});

/** Luxon builds a date formatter to check a zone; a platform's 2,000 territories share a handful of zones. */
const validZones = new Set<string>();
function isValidZone(tz: string): boolean {
  if (validZones.has(tz)) return true;
  if (!IANAZone.isValidZone(tz)) return false;
  validZones.add(tz);
  return true;
}

const territoryObject = z.object({
  id: slug,
  name: nonEmpty,
  timeZone: z
    .string()
    .refine(isValidZone, 'must be an IANA time zone such as "Europe/Paris"')
    .default('Europe/Paris'),
  defaultLocale: z.literal('fr').default('fr'),
  holidays: HolidayRegionSchema.default({ country: 'fr' }),
  /** Used for sunrise/sunset variables in opening_hours and as a map centre. */
  center: GeoCoordinatesSchema.optional(),
  website: z.url().optional(),
  /** The territory's own privacy notice page; without it the web chat links Guichet's /privacy page. */
  privacyUrl: z.url().optional(),
  /** The accessibility statement (déclaration d’accessibilité) the web chat links to: a URL, or a path on Guichet. */
  accessibilityUrl: z
    .union([z.url(), z.string().regex(/^\/[A-Za-z0-9/_.-]*$/, 'must be a URL or a path')])
    .optional(),
  notice: NoticeSchema,
  contact: z.object({ phone: displayPhone, hours: openingHoursValue, email: z.email() }),
  channels: z.object({
    twilioNumbers: z.array(e164).default([]),
    webchatKeys: z
      .array(z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, "-" or "_"'))
      .default([]),
    allowedOrigins: z.array(z.url()).default([]),
    botAppIds: z.array(nonEmpty).default([]),
  }),
  sms: z
    .object({
      /** GSM-7 by default: a single ’ or « would make the whole SMS UCS-2 and cost 2–3 times more. */
      transliterate: z.boolean().default(true),
      segmentBudget: z.number().int().min(1).max(10).default(3),
    })
    .default({ transliterate: true, segmentBudget: 3 }),
  whatsapp: z
    .object({
      /**
       * Twilio Content API templates that make a menu tappable (channels/render/whatsapp.ts): variable "1"
       * the question, "2"… the labels; ids "1"… Without one for a menu's number of choices: numbered text.
       */
      menuTemplates: z
        .array(
          z.object({
            kind: z.enum(['quick-reply', 'list-picker']),
            contentSid: z.string().regex(/^HX[0-9a-f]{32}$/i, 'must be a Twilio Content SID (HX…)'),
            choices: z.number().int().min(1).max(10),
          }),
        )
        .max(20)
        .default([]),
    })
    .default({ menuTemplates: [] }),
  agents: z.object({ phone: e164, openingHours: openingHoursValue }),
  retention: z.object({
    transcriptsDays: z.number().int().min(1).default(183),
    contactsDays: z.number().int().min(1),
  }),
  communes: z.array(CommuneSchema).min(1),
  authorities: z.array(AuthoritySchema).min(1),
  facilities: z.array(FacilitySchema).default([]),
  faq: z.array(FaqEntrySchema).default([]),
  requestTypes: z.array(RequestTypeSchema).default([]),
  school: SchoolSchema.optional(),
  library: LibrarySchema.optional(),
  /** Optional language model: used only when the deployment configures a provider AND this is enabled. */
  llm: z
    .object({
      enabled: z.boolean().default(false),
      /** Personal data (phones, emails, names, addresses) is redacted before sending unless this is true. */
      sendPersonalData: z.boolean().default(false),
    })
    .optional(),
  /** The satisfaction question; `voice: false` does not ask it on the phone line (a keypad digit at the end). */
  satisfaction: z.object({ voice: z.boolean().default(true) }).optional(),
});

type RawTerritory = z.output<typeof territoryObject>;
type Ctx = z.core.$RefinementCtx<RawTerritory>;

function duplicates<T>(items: readonly T[], key: (t: T) => string, path: string, ctx: Ctx): void {
  const seen = new Set<string>();
  items.forEach((item, i) => {
    const k = key(item);
    if (seen.has(k)) ctx.addIssue({ code: 'custom', path: [path, i, 'id'], message: `duplicate id "${k}"` });
    seen.add(k);
  });
}

function checkOpeningHours(value: string, region: HolidayRegion, path: (string | number)[], ctx: Ctx): void {
  const error = openingHoursError(value, region);
  if (error)
    ctx.addIssue({ code: 'custom', path, message: `invalid opening_hours value "${value}" (${error})` });
}

/** Territory-wide checks: unique ids, references, competences coverage, every opening_hours value. */
function checkTerritory(t: RawTerritory, ctx: Ctx): void {
  duplicates(t.communes, (c) => c.id, 'communes', ctx);
  duplicates(t.authorities, (a) => a.id, 'authorities', ctx);
  duplicates(t.facilities, (f) => f.id, 'facilities', ctx);
  duplicates(t.faq, (f) => f.id, 'faq', ctx);
  duplicates(t.requestTypes, (r) => r.id, 'requestTypes', ctx);

  const communeIds = new Set(t.communes.map((c) => c.id));
  const communeKeys = new Set([...communeIds, ...t.communes.map((c) => c.insee)]);
  const requestTypes = new Map(t.requestTypes.map((r) => [r.id, r]));

  t.authorities.forEach((a, i) => {
    a.communeIds.forEach((c, j) => {
      if (!communeIds.has(c))
        ctx.addIssue({
          code: 'custom',
          path: ['authorities', i, 'communeIds', j],
          message: `unknown commune "${c}"`,
        });
    });
    a.competences.forEach((c, j) => {
      const [type, category] = c.split(':') as [string, string | undefined];
      const rt = requestTypes.get(type);
      if (!rt) {
        ctx.addIssue({
          code: 'custom',
          path: ['authorities', i, 'competences', j],
          message: `unknown request type "${type}"`,
        });
      } else if (category && !(rt.categories ?? []).some((k) => k === category)) {
        ctx.addIssue({
          code: 'custom',
          path: ['authorities', i, 'competences', j],
          message: `request type "${type}" has no category "${category}"`,
        });
      }
    });
  });

  t.requestTypes.forEach((rt, i) => {
    for (const category of Object.keys(rt.serviceLevel?.categories ?? {}))
      if (!(rt.categories ?? []).some((k) => k === category))
        ctx.addIssue({
          code: 'custom',
          path: ['requestTypes', i, 'serviceLevel', 'categories', category],
          message: `request type "${rt.id}" has no category "${category}"`,
        });
  });

  // Every request type must have a competent authority in every commune (a request always lands somewhere).
  for (const rt of t.requestTypes) {
    for (const commune of t.communes) {
      const local = t.authorities.filter((a) => a.communeIds.includes(commune.id));
      const generic = local.some((a) => a.competences.includes(rt.id));
      const perCategory =
        (rt.categories ?? []).length > 0 &&
        (rt.categories ?? []).every((k) => local.some((a) => a.competences.includes(`${rt.id}:${k}`)));
      if (!generic && !perCategory)
        ctx.addIssue({
          code: 'custom',
          path: ['authorities'],
          message: `no authority is competent for request type "${rt.id}" in commune "${commune.id}"`,
        });
    }
  }

  t.facilities.forEach((f, i) => {
    if (!communeKeys.has(f.communeId))
      ctx.addIssue({
        code: 'custom',
        path: ['facilities', i, 'communeId'],
        message: `unknown commune "${f.communeId}"`,
      });
    checkOpeningHours(f.openingHours, t.holidays, ['facilities', i, 'openingHours'], ctx);
    f.exceptions.forEach((x, j) => {
      if (x.to && x.to < x.from)
        ctx.addIssue({
          code: 'custom',
          path: ['facilities', i, 'exceptions', j, 'to'],
          message: 'must not be before "from"',
        });
      if (x.openingHours !== 'off')
        checkOpeningHours(
          x.openingHours,
          t.holidays,
          ['facilities', i, 'exceptions', j, 'openingHours'],
          ctx,
        );
    });
  });
  checkOpeningHours(t.contact.hours, t.holidays, ['contact', 'hours'], ctx);
  checkOpeningHours(t.agents.openingHours, t.holidays, ['agents', 'openingHours'], ctx);

  t.school?.sectors.forEach((s, i) => {
    if (!communeIds.has(s.communeId))
      ctx.addIssue({
        code: 'custom',
        path: ['school', 'sectors', i, 'communeId'],
        message: `unknown commune "${s.communeId}"`,
      });
  });
}

/** Resolves INSEE codes used as facility commune ids (importer output) to the commune's id. */
function normalize(t: RawTerritory): RawTerritory {
  const byInsee = new Map(t.communes.map((c) => [c.insee, c.id]));
  return {
    ...t,
    facilities: t.facilities.map((f) => ({ ...f, communeId: byInsee.get(f.communeId) ?? f.communeId })),
  };
}

export const TerritorySchema = territoryObject.superRefine(checkTerritory).transform(normalize);

export type Territory = z.output<typeof TerritorySchema>;
export type TerritoryInput = z.input<typeof TerritorySchema>;
export type Notice = Territory['notice'];
export type Commune = z.output<typeof CommuneSchema>;
export type Authority = z.output<typeof AuthoritySchema>;
export type AuthorityKind = Authority['kind'];
export type Address = z.output<typeof AddressSchema>;
export type Facility = z.output<typeof FacilitySchema>;
export type FacilityException = z.output<typeof FacilityExceptionSchema>;
export type FaqEntry = z.output<typeof FaqEntrySchema>;
export type RequestType = z.output<typeof RequestTypeSchema>;
export type SchoolInfo = z.output<typeof SchoolSchema>;
export type LibraryInfo = z.output<typeof LibrarySchema>;
export type GeoCoordinates = z.output<typeof GeoCoordinatesSchema>;

const KNOWN_KINDS: readonly string[] = FACILITIES;
export const isKnownFacilityKind = (kind: string): kind is FacilityKind => KNOWN_KINDS.includes(kind);
