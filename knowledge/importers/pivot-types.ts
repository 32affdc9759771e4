// DILA "pivot" codes (type_service_local) → our facility kind. The label list ships with the importer
// (data/types-pivot-local.yaml, from betagouv/annuaire-api, DILA data under Licence Ouverte 2.0).
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { projectPath } from '../../bot/project-root';

export const PIVOT_TYPES_FILE = projectPath('knowledge', 'importers', 'data', 'types-pivot-local.yaml');

/** Codes that are a town hall for us. */
const MAIRIE_CODES = new Set(['mairie', 'mairie_com']);

let labels: ReadonlyMap<string, string> | undefined;

export function pivotLabels(file = PIVOT_TYPES_FILE): ReadonlyMap<string, string> {
  if (file === PIVOT_TYPES_FILE && labels) return labels;
  const map = new Map(
    Object.entries(z.record(z.string(), z.string()).parse(parse(readFileSync(file, 'utf8')))),
  );
  if (file === PIVOT_TYPES_FILE) labels = map;
  return map;
}

/** 'mairie' → 'mairie'; every other code is kept as the kind ('msa', 'caf', …). */
export const kindFromPivot = (code: string): string => (MAIRIE_CODES.has(code) ? 'mairie' : code);
