/**
 * "Search PubMed for this question" on an answer the library could not give: the server searches
 * the service for the question as citemed searched for it, adds the records it finds to the
 * library (POST /api/v1/literature/fetch, docs/api.md), and the question is asked again. Offered
 * only when the session says the server allows it for this account (`literatureFetch`).
 *
 * The wording and the request here are plain functions (tested in test/web); the hook that runs
 * them is useLiteratureFetch.ts.
 */
export type LiteratureService = 'pubmed' | 'europepmc';

export const SERVICE_LABELS: Readonly<Record<LiteratureService, string>> = { pubmed: 'PubMed', europepmc: 'Europe PMC' };

/** What the server says a fetch did (the LiteratureFetch schema). */
export interface LiteratureFetchResult {
  service: LiteratureService;
  total: number;
  found: number;
  fetched: number;
  added: number;
  updated: number;
  unchanged: number;
  skipped: number;
  failedParts: number;
  searchedAt: string;
  translation: string | null;
  warnings: string[];
  resumed: boolean;
  fetchedAs: string;
}

export type FetchState =
  | { kind: 'idle' }
  | { kind: 'fetching'; service: LiteratureService }
  | { kind: 'asking-again'; result: LiteratureFetchResult; query: string }
  | { kind: 'done'; result: LiteratureFetchResult; query: string; askedAgain: boolean }
  | { kind: 'failed'; service: LiteratureService; error: Error };

/** The request's body: the question as searched, and the years of the answer's filters (so what is fetched can pass them). */
export function fetchRequest(service: LiteratureService, searchedFor: string, filters?: { from?: number; to?: number }) {
  return {
    service,
    query: searchedFor.slice(0, 1_000),
    ...(filters?.from !== undefined ? { fromYear: filters.from } : {}),
    ...(filters?.to !== undefined ? { toYear: filters.to } : {}),
  };
}

/** Whether the library changed, so that asking again can give another answer. */
export function changedLibrary(result: LiteratureFetchResult): boolean {
  return result.added + result.updated > 0;
}

/** The line shown once a fetch is done: how many records, from where, and what became of them. */
export function describeFetch(result: LiteratureFetchResult, query: string, askedAgain: boolean): string {
  const service = SERVICE_LABELS[result.service];
  const searched = `“${query}”`;
  if (result.found === 0) return `${service} found no records for ${searched}, so nothing was added to the library.`;
  const found = `${service} found ${count(result.total, 'record')} for ${searched}${result.found < result.total ? ` (the best ${result.found} taken)` : ''}`;
  const fetched = result.fetched > 0 ? `${result.fetched} fetched` : 'fetched earlier today';
  const changes = [result.added > 0 ? `${result.added} added to the library` : '', result.updated > 0 ? `${result.updated} updated` : ''].filter(Boolean).join(' and ');
  const outcome = changes === '' ? 'none was new to the library, so the answer stands' : changes;
  const after = askedAgain ? ' The question was asked again with them: the answer above is the new one.' : '';
  const unread = result.failedParts > 0 ? ` ${count(result.failedParts, 'part')} of what was fetched could not be read.` : '';
  return `${found}: ${fetched}, ${outcome}.${unread}${after}`;
}

function count(n: number, noun: string): string {
  return `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`;
}
