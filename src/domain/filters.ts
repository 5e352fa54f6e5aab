import { CitemedError } from './errors.js';
import { EVIDENCE_LEVELS, isEvidenceLevel, type EvidenceLevel } from './evidence-level.js';
import { SOURCE_FORMATS, type SourceFormat } from './source.js';

/**
 * Search filters as people type them: on the command line (`--level guideline,systematic-review`)
 * and in an HTTP query string (`level=guideline,systematic-review`). Both read them here, so a
 * value means the same and fails with the same words wherever it is typed. Each parser throws a
 * `usage` error naming the field as the caller spells it (`--from` for the CLI, `from` for HTTP).
 */
export interface FilterText {
  /** Evidence levels, comma-separated. */
  level?: string;
  /** Publication types, comma-separated ("Randomized Controlled Trial"). */
  type?: string;
  /** Collections (source formats), comma-separated. */
  collection?: string;
  /** Earliest publication year. */
  from?: string;
  /** Latest publication year. */
  to?: string;
}

/** The same shape as the Store port's SearchFilters (the domain cannot name ports). */
export interface ParsedFilters {
  evidenceLevels?: EvidenceLevel[];
  publicationTypes?: string[];
  formats?: SourceFormat[];
  yearFrom?: number;
  yearTo?: number;
}

/** How a caller names a field in messages: `(f) => '--' + f` on the command line. */
export type FieldLabel = (field: keyof FilterText) => string;

export function parseFilterText(text: FilterText, label: FieldLabel = (field) => field): ParsedFilters {
  const filters: ParsedFilters = {
    ...(text.level ? { evidenceLevels: parseEvidenceLevels(text.level) } : {}),
    ...(text.type ? { publicationTypes: splitList(text.type) } : {}),
    ...(text.collection ? { formats: parseFormats(text.collection) } : {}),
    ...(text.from ? { yearFrom: parseYear(text.from, label('from')) } : {}),
    ...(text.to ? { yearTo: parseYear(text.to, label('to')) } : {}),
  };
  if (!yearsInOrder(filters.yearFrom, filters.yearTo)) {
    throw new CitemedError('usage', `${label('from')} ${filters.yearFrom} is after ${label('to')} ${filters.yearTo}`, { hint: 'swap the two years' });
  }
  return filters;
}

/** A year range that can match something: a range backwards is a mistake to say, not a search that finds nothing. */
export function yearsInOrder(from: number | undefined, to: number | undefined): boolean {
  return from === undefined || to === undefined || from <= to;
}

/** Digits only: Number() would also take "1e2", "0x10" and " 20 ". */
const DIGITS = /^\d+$/;

/** "a, b,,c" → ["a", "b", "c"]. */
export function splitList(value: string): string[] {
  return value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
}

export function parseEvidenceLevels(value: string): EvidenceLevel[] {
  const levels = splitList(value);
  const bad = levels.filter((l) => !isEvidenceLevel(l));
  if (bad.length > 0) {
    throw new CitemedError('usage', `unknown evidence level: ${bad.join(', ')}`, { hint: `use ${EVIDENCE_LEVELS.join(', ')}` });
  }
  return levels as EvidenceLevel[];
}

export function parseFormats(value: string): SourceFormat[] {
  const formats = splitList(value);
  const bad = formats.filter((f) => !(SOURCE_FORMATS as readonly string[]).includes(f));
  if (bad.length > 0) {
    throw new CitemedError('usage', `unknown collection: ${bad.join(', ')}`, { hint: `use ${SOURCE_FORMATS.join(', ')}` });
  }
  return formats as SourceFormat[];
}

export function parseYear(value: string, label: string): number {
  const n = Number(value);
  if (!DIGITS.test(value) || n < 1000 || n > 9999) throw new CitemedError('usage', `${label} must be a four-digit year, not "${value}"`);
  return n;
}

/** A count typed as text ("20"), from `min` to `max`. */
export function parseWholeNumber(value: string, label: string, min: number, max: number): number {
  const n = Number(value);
  if (!DIGITS.test(value) || n < min || n > max) {
    throw new CitemedError('usage', `${label} must be a whole number from ${min} to ${max}, not "${value}"`);
  }
  return n;
}
