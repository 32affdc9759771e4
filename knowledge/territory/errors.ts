// Bad territory content: always says which FILE and which FIELD, so whoever edits the JSON can fix it.
import path from 'node:path';
import { GuichetError } from '../../bot/errors';

export interface TerritoryIssue {
  /** The file, relative to the working directory when inside it. */
  file: string;
  /** Field path in that file, e.g. `facilities[2].openingHours` (empty for the whole file). */
  field: string;
  message: string;
}

const MAX_LISTED = 20;

export class TerritoryError extends GuichetError {
  readonly file: string;
  readonly field: string;

  constructor(readonly issues: readonly [TerritoryIssue, ...TerritoryIssue[]]) {
    const lines = issues.slice(0, MAX_LISTED).map(formatIssue);
    if (issues.length > MAX_LISTED) lines.push(`… and ${issues.length - MAX_LISTED} more`);
    super('INTERNAL', lines.join('\n'), { issues });
    this.name = 'TerritoryError';
    this.file = issues[0].file;
    this.field = issues[0].field;
  }
}

export const formatIssue = (i: TerritoryIssue): string =>
  [i.file, i.field, i.message].filter(Boolean).join(': ');

/** `["facilities", 2, "openingHours"]` → `facilities[2].openingHours`. */
export function formatFieldPath(segments: readonly PropertyKey[]): string {
  let out = '';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else out += out === '' ? String(s) : `.${String(s)}`;
  }
  return out;
}

export function displayPath(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}
