import { EVIDENCE_LEVEL_LABELS, type EvidenceLevel } from './evidence-level.js';
import type { SourceFormat } from './source.js';

/**
 * Search filters in words ("evidence level: Randomized trial; published 2015 or later"), for
 * what an answer says when the filters left nothing to find: the answer, the CLI and the web app
 * name them alike. Pure, so the web app bundles it. The shape is the Store port's SearchFilters.
 */
export interface FiltersToDescribe {
  evidenceLevels?: readonly EvidenceLevel[];
  yearFrom?: number;
  yearTo?: number;
  publicationTypes?: readonly string[];
  formats?: readonly SourceFormat[];
}

/** The filters in words, joined by "; "; '' when none is set. */
export function describeFilters(filters: FiltersToDescribe): string {
  const parts: string[] = [];
  if (filters.evidenceLevels?.length) parts.push(`evidence level: ${filters.evidenceLevels.map((level) => EVIDENCE_LEVEL_LABELS[level]).join(' or ')}`);
  const { yearFrom: from, yearTo: to } = filters;
  if (from !== undefined && to !== undefined) parts.push(from === to ? `published in ${from}` : `published ${from}–${to}`);
  else if (from !== undefined) parts.push(`published in ${from} or later`);
  else if (to !== undefined) parts.push(`published in ${to} or earlier`);
  if (filters.publicationTypes?.length) parts.push(`publication type: ${filters.publicationTypes.join(' or ')}`);
  if (filters.formats?.length) parts.push(`collection: ${filters.formats.join(' or ')}`);
  return parts.join('; ');
}
