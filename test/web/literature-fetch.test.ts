import { describe, expect, it } from 'vitest';
import { changedLibrary, describeFetch, fetchRequest, type LiteratureFetchResult } from '../../web/src/components/answer/literatureFetch.js';

const result = (fields: Partial<LiteratureFetchResult>): LiteratureFetchResult => ({
  service: 'pubmed',
  total: 0,
  found: 0,
  fetched: 0,
  added: 0,
  updated: 0,
  unchanged: 0,
  skipped: 0,
  failedParts: 0,
  searchedAt: '2026-12-05T10:00:00.000Z',
  translation: null,
  warnings: [],
  resumed: false,
  fetchedAs: 'pubmed-2026-12-05-0123456789',
  ...fields,
});

describe('fetching literature from the ask page', () => {
  it('sends the question as searched, and the years of the answer’s filters', () => {
    expect(fetchRequest('pubmed', 'psoas abscess drainage')).toEqual({ service: 'pubmed', query: 'psoas abscess drainage' });
    expect(fetchRequest('europepmc', 'gout', { from: 2015, to: 2020 })).toEqual({ service: 'europepmc', query: 'gout', fromYear: 2015, toYear: 2020 });
    // The server takes up to 1,000 characters; a question may have 2,000.
    expect(fetchRequest('pubmed', 'x'.repeat(2_000)).query).toHaveLength(1_000);
  });

  it('says how many records came from which service, and what became of them', () => {
    expect(describeFetch(result({ total: 120, found: 50, fetched: 50, added: 48, updated: 2 }), 'psoas abscess', true)).toBe(
      'PubMed found 120 records for “psoas abscess” (the best 50 taken): 50 fetched, 48 added to the library and 2 updated. The question was asked again with them: the answer above is the new one.',
    );
    expect(describeFetch(result({ service: 'europepmc', total: 1, found: 1, fetched: 1, added: 1 }), 'gout', true)).toBe(
      'Europe PMC found 1 record for “gout”: 1 fetched, 1 added to the library. The question was asked again with them: the answer above is the new one.',
    );
    expect(describeFetch(result({ total: 2, found: 2, fetched: 0 }), 'gout', false)).toBe(
      'PubMed found 2 records for “gout”: fetched earlier today, none was new to the library, so the answer stands.',
    );
    expect(describeFetch(result({}), 'zebra migration', false)).toBe('PubMed found no records for “zebra migration”, so nothing was added to the library.');
  });

  it('asks again only when the library changed', () => {
    expect(changedLibrary(result({ added: 1 }))).toBe(true);
    expect(changedLibrary(result({ updated: 1 }))).toBe(true);
    expect(changedLibrary(result({ found: 3, unchanged: 3 }))).toBe(false);
  });
});
