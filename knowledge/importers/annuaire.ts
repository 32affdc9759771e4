// DILA "Annuaire de l'administration" export (JSON v4 or legacy XML) → facilities in the territory format.
import { z } from 'zod';
import { GuichetError } from '../../bot/errors';
import { FacilitySchema } from '../territory/schema';
import { readAnnuaireJson } from './dila-json';
import { readAnnuaireXml, XmlSyntaxError } from './dila-xml';
import { kindFromPivot, pivotLabels } from './pivot-types';
import type { AnnuaireRecord } from './record';
import { slotsToOpeningHours, SlotError } from './slots';

export const DILA_ATTRIBUTION = 'Service-Public.gouv.fr / DILA';

export type ImportedFacility = z.input<typeof FacilitySchema> & {
  source: { attribution: string; id?: string; updatedAt?: string };
  /** Human label of the DILA type ("Mairie", "Caisse d'allocations familiales (CAF)"). */
  kindLabel?: string;
};

export interface ImportOptions {
  /** Keep only records of this commune (INSEE code). */
  commune?: string;
}

export interface ImportResult {
  facilities: ImportedFacility[];
  /** Records left out, with the reason (no opening hours, other commune…). */
  skipped: { id: string; name: string; reason: string }[];
}

export class AnnuaireImportError extends GuichetError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('BAD_REQUEST', message, undefined, options);
    this.name = 'AnnuaireImportError';
  }
}

function slugify(name: string): string {
  const slug = name
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (slug.length <= 60) return slug || 'service';
  return slug.slice(0, 60).replace(/-[^-]*$/, '');
}

const zodMessage = (e: z.ZodError): string =>
  e.issues.map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`).join('; ');

function parseRecords(content: string): AnnuaireRecord[] {
  const trimmed = content.trimStart();
  if (trimmed.startsWith('<')) {
    try {
      return readAnnuaireXml(content);
    } catch (e) {
      if (e instanceof XmlSyntaxError)
        throw new AnnuaireImportError(`invalid XML: ${e.message}`, { cause: e });
      if (e instanceof z.ZodError)
        throw new AnnuaireImportError(`not a DILA <Organisme> XML file: ${zodMessage(e)}`, { cause: e });
      throw e;
    }
  }
  let data: unknown;
  try {
    data = JSON.parse(content);
  } catch (e) {
    throw new AnnuaireImportError(`neither XML nor valid JSON: ${(e as Error).message}`, { cause: e });
  }
  try {
    return readAnnuaireJson(data);
  } catch (e) {
    if (e instanceof z.ZodError)
      throw new AnnuaireImportError(
        `not a DILA annuaire JSON export ({"service": [...]}): ${zodMessage(e)}`,
        {
          cause: e,
        },
      );
    throw e;
  }
}

function toFacility(r: AnnuaireRecord, openingHours: string): ImportedFacility {
  const kind = kindFromPivot(r.pivot ?? 'service');
  const label = r.pivot ? pivotLabels().get(r.pivot) : undefined;
  // Slots often repeat the same sentence ("Après-midi sur rendez-vous exclusivement."): keep each once.
  const sentences = r.notes.flatMap((n) => n.split(/(?<=[.!?])\s+/)).map((n) => n.trim());
  const notes = [...new Set(sentences.filter(Boolean))];
  const facility: ImportedFacility = {
    id: slugify(r.name),
    kind,
    name: r.name,
    // The INSEE code: the territory loader resolves it to the commune id.
    communeId: r.insee ?? '',
    address: { street: r.street ?? '', postcode: r.postcode ?? '', city: r.city ?? '' },
    ...(r.location ? { location: r.location } : {}),
    ...(r.phone ? { phone: r.phone } : {}),
    ...(r.email ? { email: r.email } : {}),
    ...(r.url ? { url: r.url } : {}),
    openingHours,
    ...(notes.length > 0 ? { note: notes.join(' ') } : {}),
    exceptions: [],
    aliases: [],
    source: {
      attribution: DILA_ATTRIBUTION,
      id: r.id,
      ...(r.updatedAt ? { updatedAt: r.updatedAt } : {}),
    },
    ...(label ? { kindLabel: label } : {}),
  };
  return facility;
}

/** Reads a DILA export (JSON or XML text). Throws an AnnuaireImportError on invalid input. */
export function importAnnuaire(content: string, options: ImportOptions = {}): ImportResult {
  const records = parseRecords(content);
  const facilities: ImportedFacility[] = [];
  const skipped: ImportResult['skipped'] = [];
  for (const r of records) {
    if (options.commune && r.insee !== options.commune) {
      skipped.push({ id: r.id, name: r.name, reason: `other commune (${r.insee ?? 'unknown'})` });
      continue;
    }
    let openingHours: string | undefined;
    try {
      openingHours = slotsToOpeningHours(r.slots);
    } catch (e) {
      if (e instanceof SlotError)
        throw new AnnuaireImportError(`${r.name} (${r.id}): ${e.message}`, { cause: e });
      throw e;
    }
    if (!openingHours) {
      skipped.push({ id: r.id, name: r.name, reason: 'no opening hours' });
      continue;
    }
    const facility = toFacility(r, openingHours);
    const checked = FacilitySchema.safeParse(facility);
    if (!checked.success)
      throw new AnnuaireImportError(`${r.name} (${r.id}): ${zodMessage(checked.error)}`, {
        cause: checked.error,
      });
    facilities.push(facility);
  }
  return { facilities, skipped };
}
