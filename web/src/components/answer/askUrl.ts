import { AUDIENCES, type Audience } from '../../../../src/domain/answer.js';
import { EVIDENCE_LEVELS, type EvidenceLevel } from '../../../../src/domain/evidence-level.js';

/**
 * A question as the ask page's URL holds it (/?q=…&for=clinician&from=2015&level=guideline), so
 * a link, a bookmark or a reload opens the same question again. Pure (no DOM), so it is tested
 * beside the server's code (test/web/ask-url.test.ts).
 */
export interface AskedQuestion {
  question: string;
  audience: Audience;
  /** The same shape as AskFilters (askTypes.ts): the API's filters of POST /api/v1/ask. */
  filters?: { from?: number; to?: number; level?: EvidenceLevel[] };
}

export function askUrl({ question, audience, filters }: AskedQuestion): string {
  const params = new URLSearchParams({ q: question, for: audience });
  if (filters?.from !== undefined) params.set('from', String(filters.from));
  if (filters?.to !== undefined) params.set('to', String(filters.to));
  if (filters?.level && filters.level.length > 0) params.set('level', filters.level.join(','));
  return `/?${params.toString()}`;
}

/**
 * The question in an ask page's query string, or undefined when there is none. What cannot be
 * read (an unknown audience, a year that is not one, an unknown level) is left out rather than
 * refused: a link is asked as well as it can be, with `audience` (the reader's own choice) when
 * the link names none.
 */
export function askedIn(query: URLSearchParams, audience: Audience): AskedQuestion | undefined {
  const question = (query.get('q') ?? '').trim();
  if (question === '') return undefined;
  const from = year(query.get('from'));
  const to = year(query.get('to'));
  const level = EVIDENCE_LEVELS.filter((l) => (query.get('level') ?? '').split(',').includes(l));
  const inOrder = from === undefined || to === undefined || from <= to;
  const filters = {
    ...(from !== undefined && inOrder ? { from } : {}),
    ...(to !== undefined && inOrder ? { to } : {}),
    ...(level.length > 0 ? { level } : {}),
  };
  return {
    question,
    audience: AUDIENCES.find((a) => a === query.get('for')) ?? audience,
    ...(Object.keys(filters).length > 0 ? { filters } : {}),
  };
}

function year(text: string | null): number | undefined {
  if (text === null || !/^\d{4}$/.test(text)) return undefined;
  const n = Number(text);
  return n >= 1000 ? n : undefined;
}
