import { describeFilters } from '../../../../src/domain/filter-words.js';
import type { Audience, EvidenceLevel } from '../../types';

/** The filters of POST /api/v1/ask (docs/api.md), as the ask page offers them. */
export interface AskFilters {
  from?: number;
  to?: number;
  level?: EvidenceLevel[];
}

/** What the ask form holds: text as typed, so a half-typed year is not lost or "corrected". */
export interface FilterInput {
  from: string;
  to: string;
  levels: EvidenceLevel[];
}

export const NO_FILTERS: FilterInput = { from: '', to: '', levels: [] };

/** The API's year range (src/server/routes/ask.ts). */
const MIN_YEAR = 1000;
const MAX_YEAR = 9999;

/** The filters to send, or what is wrong with them in words the reader can act on. */
export function toAskFilters(input: FilterInput): { filters?: AskFilters; problem?: string } {
  const from = parseYear(input.from);
  const to = parseYear(input.to);
  if (from === null) return { problem: `"From year" must be a year such as 2015, not "${input.from}".` };
  if (to === null) return { problem: `"To year" must be a year such as 2025, not "${input.to}".` };
  if (from !== undefined && to !== undefined && from > to) return { problem: `"From year" (${from}) is after "To year" (${to}): swap them or clear one.` };
  const filters: AskFilters = {
    ...(from !== undefined ? { from } : {}),
    ...(to !== undefined ? { to } : {}),
    ...(input.levels.length > 0 ? { level: input.levels } : {}),
  };
  return Object.keys(filters).length > 0 ? { filters } : {};
}

/** The filters as the form holds them (from a link, or kept with an answer). */
export function toFilterInput(filters: AskFilters | undefined): FilterInput {
  return { from: filters?.from !== undefined ? String(filters.from) : '', to: filters?.to !== undefined ? String(filters.to) : '', levels: filters?.level ?? [] };
}

/** "evidence level: Randomized trial; published 2015 or later", as the API's answer words them. */
export function describeAskFilters(filters: AskFilters | undefined): string {
  if (!filters) return '';
  return describeFilters({
    ...(filters.level ? { evidenceLevels: filters.level } : {}),
    ...(filters.from !== undefined ? { yearFrom: filters.from } : {}),
    ...(filters.to !== undefined ? { yearTo: filters.to } : {}),
  });
}

/** undefined: left empty; null: not a year. */
function parseYear(text: string): number | undefined | null {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  const year = Number(trimmed);
  return Number.isInteger(year) && year >= MIN_YEAR && year <= MAX_YEAR ? year : null;
}

/** One question and how it was asked: enough to publish the same answer as an article. */
export interface AskRequestBody {
  question: string;
  audience: Audience;
  filters?: AskFilters;
  threadId?: string;
}
