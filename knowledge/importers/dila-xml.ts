// Reader for the legacy DILA XML format (one <Organisme> per file, before 2022):
// <Organisme id codeInsee pivotLocal><Nom/><Adresse type="physique"><Ligne/>…</Adresse>
// <CoordonnéesNum><Téléphone/><Email/><Url/></CoordonnéesNum>
// <Ouverture><PlageJ début fin><PlageH début fin/>…<Note/></PlageJ></Ouverture></Organisme>
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { z } from 'zod';
import type { AnnuaireRecord } from './record';
import type { Slot } from './slots';

const ARRAYS = new Set([
  'Organisme',
  'Adresse',
  'Ligne',
  'PlageJ',
  'PlageH',
  'Téléphone',
  'Email',
  'Url',
  'Note',
]);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  // Keep values as text: postcodes ("01059") and INSEE codes lose their leading zero as numbers.
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  isArray: (name) => ARRAYS.has(name),
});

const str = z.union([z.string(), z.number()]).transform(String);
/** An element with text and attributes parses as { '#text': … }. */
const textNode = z.union([str, z.object({ '#text': str }).transform((o) => o['#text'])]);
const PlageHSchema = z.object({ '@début': str, '@fin': str });
const PlageJSchema = z.object({
  '@début': str,
  '@fin': str,
  PlageH: z.array(PlageHSchema).default([]),
  Note: z.array(textNode).default([]),
});
const AdresseSchema = z.object({
  '@type': str.optional(),
  Ligne: z.array(textNode).default([]),
  CodePostal: textNode.optional(),
  NomCommune: textNode.optional(),
  Localisation: z.object({ Latitude: textNode.optional(), Longitude: textNode.optional() }).optional(),
});
const OrganismeSchema = z.object({
  '@id': str,
  '@codeInsee': str.optional(),
  '@pivotLocal': str.optional(),
  '@dateMiseAJour': str.optional(),
  Nom: textNode,
  Adresse: z.array(AdresseSchema).default([]),
  CoordonnéesNum: z
    .object({
      Téléphone: z.array(textNode).default([]),
      Email: z.array(textNode).default([]),
      Url: z.array(textNode).default([]),
    })
    .optional(),
  Ouverture: z.object({ PlageJ: z.array(PlageJSchema).default([]) }).optional(),
});
const DocumentSchema = z.union([
  z.object({ Organisme: z.array(OrganismeSchema).min(1) }),
  // Several organisations wrapped in any root element.
  z.record(z.string(), z.object({ Organisme: z.array(OrganismeSchema).min(1) })).transform((r) => {
    const organismes = Object.values(r).flatMap((v) => v.Organisme);
    return { Organisme: organismes };
  }),
]);

const num = (v: string | undefined): number | undefined => {
  if (v === undefined || v.trim() === '') return undefined;
  const n = Number(v.replace(',', '.'));
  return Number.isFinite(n) ? n : undefined;
};

export class XmlSyntaxError extends Error {
  override name = 'XmlSyntaxError';
}

export function readAnnuaireXml(xml: string): AnnuaireRecord[] {
  const valid = XMLValidator.validate(xml);
  if (valid !== true)
    throw new XmlSyntaxError(`${valid.err.msg} (line ${valid.err.line}, column ${valid.err.col})`);
  const doc = DocumentSchema.parse(parser.parse(xml));
  return doc.Organisme.map((o): AnnuaireRecord => {
    const address = o.Adresse.find((a) => a['@type'] === 'physique') ?? o.Adresse[0];
    const lat = num(address?.Localisation?.Latitude);
    const lon = num(address?.Localisation?.Longitude);
    const slots: Slot[] = (o.Ouverture?.PlageJ ?? []).map((p) => ({
      firstDay: p['@début'],
      lastDay: p['@fin'],
      ranges: p.PlageH.map((h): [string, string] => [h['@début'], h['@fin']]),
    }));
    return {
      id: o['@id'],
      name: o.Nom.trim(),
      pivot: o['@pivotLocal'],
      insee: o['@codeInsee'],
      updatedAt: o['@dateMiseAJour'],
      street: address?.Ligne.join(', ') || undefined,
      postcode: address?.CodePostal,
      city: address?.NomCommune,
      location: lat !== undefined && lon !== undefined ? { lat, lon } : undefined,
      phone: o.CoordonnéesNum?.Téléphone[0],
      email: o.CoordonnéesNum?.Email[0],
      url: o.CoordonnéesNum?.Url[0],
      slots,
      notes: (o.Ouverture?.PlageJ ?? []).flatMap((p) => p.Note),
    };
  });
}
